package market.resale.support;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import market.resale.schemas.RecordMother;
import market.resale.schemas.messaging.MessageKind;
import market.resale.schemas.messaging.MessageRef;
import market.resale.schemas.messaging.ParticipantRole;
import market.resale.schemas.messaging.SellerNonResponsive;
import market.resale.schemas.orders.Actor;
import market.resale.schemas.orders.CancellationRejected;
import market.resale.schemas.orders.OrderCancelled;
import market.resale.schemas.orders.RejectionCode;
import market.resale.schemas.support.CaseCommand;
import market.resale.schemas.support.CaseCommandAction;
import market.resale.schemas.support.CaseFile;
import market.resale.schemas.support.CaseResolution;
import market.resale.schemas.support.CaseType;

/**
 * Test data for support: RecordMother's story (buyer-ann bought a jacket from seller-sam, order-1)
 * continued in the help center, with agent-ada of support.
 */
public final class SupportMother {

    public static final String ORDER_ID = RecordMother.ORDER_ID;
    public static final String BUYER = RecordMother.BUYER_ID;
    public static final String SELLER = RecordMother.SELLER_ID;
    public static final String AGENT = "agent-ada";
    /** When the harness's wall clock starts: the day after the purchase. */
    public static final Instant NOW = RecordMother.PLACED_AT.plusSeconds(86_400);

    /** The smallest valid PNG: the signature, an IHDR for a 1x1 pixel, an IDAT and the IEND chunk. */
    public static final byte[] PNG = hex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
            + "0000000d4944415478da63f8cfc0f01f0005000201a7a1e5bb0000000049454e44ae426082");

    private SupportMother() {
    }

    public static SellerNonResponsive.Builder nonResponsive(String episodeId, String... messageIds) {
        var sent = RecordMother.PLACED_AT.plusSeconds(4 * 3600);
        var refs = Arrays.stream(messageIds).map(id -> MessageRef.newBuilder().setMessageId(id).setSenderId(BUYER)
                .setKind(MessageKind.MESSAGE).setText("Hello, can you cancel? (" + id + ")").setSentAt(sent).build()).toList();
        return SellerNonResponsive.newBuilder().setOrderId(ORDER_ID).setBuyerId(BUYER).setSellerId(SELLER)
                .setEpisodeId(episodeId).setUnanswered(List.copyOf(refs)).setFirstUnansweredAt(sent)
                .setDetectedAt(sent.plusSeconds(86_400));
    }

    public static CaseCommand.Builder command(String commandId, CaseCommandAction action, String actorId, ParticipantRole role) {
        return CaseCommand.newBuilder().setCommandId(commandId).setOrderId(ORDER_ID).setAction(action)
                .setActorId(actorId).setActorRole(role).setRequestedAt(NOW);
    }

    public static CaseCommand.Builder open(String commandId, CaseType type, String description) {
        return command(commandId, CaseCommandAction.OPEN, BUYER, ParticipantRole.BUYER).setCaseType(type).setText(description);
    }

    public static CaseCommand.Builder statement(String commandId, String caseId, String actorId, ParticipantRole role, String text) {
        return command(commandId, CaseCommandAction.ADD_STATEMENT, actorId, role).setCaseId(caseId).setText(text);
    }

    public static CaseCommand.Builder agent(String commandId, CaseCommandAction action, String caseId) {
        return command(commandId, action, AGENT, ParticipantRole.SUPPORT).setCaseId(caseId);
    }

    public static CaseCommand.Builder resolve(String commandId, String caseId, CaseResolution resolution, String reason) {
        return agent(commandId, CaseCommandAction.RESOLVE, caseId).setResolution(resolution).setText(reason);
    }

    public static CaseCommand.Builder file(String commandId, String caseId, String contentType, byte[] content) {
        return command(commandId, CaseCommandAction.ADD_FILE, BUYER, ParticipantRole.BUYER).setCaseId(caseId)
                .setFile(CaseFile.newBuilder().setName("chat.png").setContentType(contentType)
                        .setContent(ByteBuffer.wrap(content)).build());
    }

    /** orders-service's answer to the cancellation case {@code caseId} ordered. */
    public static OrderCancelled.Builder cancelledFor(String caseId, Instant at) {
        return RecordMother.orderCancelled(ORDER_ID, at).setCommandId(caseId + ":cancel-1").setActor(Actor.SUPPORT)
                .setActorId(AGENT).setReference(caseId);
    }

    public static CancellationRejected.Builder refusedFor(String caseId, Instant at) {
        return RecordMother.cancellationRejected().setCommandId(caseId + ":cancel-1").setActor(Actor.SUPPORT)
                .setActorId(AGENT).setCode(RejectionCode.ALREADY_CANCELLED).setDetail("The order is already cancelled")
                .setTrackingNumber(null).setRejectedAt(at).setReference(caseId);
    }

    public static byte[] text(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] hex(String hex) {
        return java.util.HexFormat.of().parseHex(hex);
    }
}
