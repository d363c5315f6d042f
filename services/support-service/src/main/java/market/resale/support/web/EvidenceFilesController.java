package market.resale.support.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import market.resale.platform.kafka.KeyOwnerRouter;
import market.resale.platform.security.Caller;
import market.resale.platform.web.ApiProblem;
import market.resale.platform.web.Forwarder;
import market.resale.platform.web.OwnerRouting;
import market.resale.schemas.support.CaseCommandAction;
import market.resale.schemas.support.CaseFile;
import market.resale.schemas.topics.Topics;
import market.resale.support.config.SupportSettings;
import market.resale.support.domain.EvidenceKind;
import market.resale.support.domain.FileCheck;
import market.resale.support.stream.SupportTopology;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Files attached to a case as evidence (screenshots, documents). The raw body is the file, with its
 * Content-Type; size and type are checked before anything is stored. The file then travels in its
 * case command through Kafka and is kept in the order's partition (its changelog is the durable
 * copy), so it is served by the instance that owns the order; others forward to it.
 */
@RestController
public class EvidenceFilesController {

    private final CaseAccess access;
    private final KeyOwnerRouter router;
    private final FileCheck check;
    private final OwnerRouting fileRouting;
    private final Forwarder forwarder;

    public EvidenceFilesController(CaseAccess access, KeyOwnerRouter router, SupportSettings settings, Forwarder forwarder) {
        this.access = access;
        this.router = router;
        this.check = settings.fileCheck();
        // The platform's forwarder buffers answers up to WebClient's default 256 KiB; a forwarded download needs a file's worth.
        this.fileRouting = new OwnerRouting(router, forwarder.forLargeAnswers(Topics.SUPPORT_MAX_RECORD_BYTES, Duration.ofSeconds(30)));
        this.forwarder = forwarder;
    }

    /**
     * 201 with the file's evidence (id, size, SHA-256, download URL); 413 {@code file-too-large},
     * 415 {@code file-type-not-allowed} (type not allowed, or content not of the declared type),
     * 400 {@code file-empty} / {@code invalid-file-name}.
     */
    @Operation(summary = "Attach a file (screenshot, document) as evidence to an open case (the order's buyer or seller, or support)",
            description = "The raw request body is the file, with its Content-Type; `name` is optional. Size and type are "
                    + "checked before anything is stored: `413 file-too-large` (with `maxBytes`), `415 file-type-not-allowed` "
                    + "(with `allowedTypes`; also when the content is not of the declared type), `400 file-empty`. "
                    + CasesController.WRITES,
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
                    description = "The file's bytes (types allowed by default: PNG, JPEG, PDF, plain text)", content = {
                    @Content(mediaType = "image/png", schema = @Schema(type = "string", format = "binary")),
                    @Content(mediaType = "image/jpeg", schema = @Schema(type = "string", format = "binary")),
                    @Content(mediaType = "application/pdf", schema = @Schema(type = "string", format = "binary")),
                    @Content(mediaType = "text/plain", schema = @Schema(type = "string", format = "binary"))}))
    @ApiResponse(responseCode = "201", description = "Attached, with the file's size, SHA-256 and download URL; Location: the file",
            content = @Content(schema = @Schema(implementation = CaseViews.EvidenceView.class)))
    @ApiResponse(responseCode = "202", description = "Stored, not decided yet: follow the Location header",
            content = @Content(schema = @Schema(implementation = CaseViews.Pending.class)))
    @ApiResponse(responseCode = "409", description = "Refused: `case-closed`, `evidence-limit-reached`")
    @ApiResponse(responseCode = "422", description = "`idempotency-key-reused`: the key answered another request")
    @PostMapping("/cases/{caseId}/evidence/files")
    public Mono<ResponseEntity<?>> upload(@PathVariable String caseId, @RequestParam(required = false) String name,
                                          @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
                                          Authentication auth, ServerHttpRequest request) {
        var caller = Caller.of(auth);
        var commandId = access.commandId(caller, idempotencyKey);
        var orderId = access.orderIdOf(caseId);
        if (name != null && !FileCheck.validName(name)) {
            throw ApiProblem.invalidField("invalid-file-name", "name", "A file name is 1-100 letters, digits, spaces, '.', '_' or '-'");
        }
        var declared = request.getHeaders().getContentType();
        if (declared == null) {
            throw refused(check.check("", new byte[1]));
        }
        var contentType = declared.getType() + "/" + declared.getSubtype();
        if (!check.allowedTypes().contains(FileCheck.baseType(contentType))) {
            throw refused(check.check(contentType, new byte[1]));
        }
        var length = request.getHeaders().getContentLength();
        // Who may attach to this case is known before a byte of the file is read: a stranger's upload costs nothing.
        return mayAttach(caseId, orderId, caller, request)
                .then(Mono.defer(() -> length > 0 && check.tooLarge(length) != null
                        ? Mono.<byte[]>error(problem(check.tooLarge(length))) : read(request)))
                .flatMap(bytes -> {
                    if (check.check(contentType, bytes) instanceof FileCheck.Refused refused) {
                        return Mono.error(problem(refused));
                    }
                    return fileRouting.answer(SupportTopology.ORDER_CASES_STORE, orderId, request, bytes, () -> {
                        var kase = access.visibleCase(caseId, caller);
                        var command = access.command(commandId, orderId, caseId, CaseCommandAction.ADD_FILE, caller,
                                        CaseAccess.viewer(kase, caller))
                                .setFile(CaseFile.newBuilder().setName(name == null ? "" : name).setContentType(contentType)
                                        .setContent(java.nio.ByteBuffer.wrap(bytes)).build())
                                .build();
                        return access.submit(command, access::evidenceAnswer);
                    });
                });
    }

    /**
     * The case is visible to the caller (a party or support): asked locally when this instance owns the order's cases,
     * else of the owner (its {@code GET /cases/{caseId}} with the caller's token), before the body is read.
     */
    private Mono<Void> mayAttach(String caseId, String orderId, Caller caller, ServerHttpRequest request) {
        var owner = forwarder.alreadyForwarded(request) ? java.util.Optional.<String>empty()
                : router.remoteOwner(SupportTopology.ORDER_CASES_STORE, orderId);
        if (owner.isEmpty()) {
            return Mono.fromRunnable(() -> access.visibleCase(caseId, caller));
        }
        return forwarder.get(owner.get(), CaseViews.caseUrl(caseId), request).flatMap(answer -> answer.getStatusCode().is2xxSuccessful()
                ? Mono.<Void>empty()
                : Mono.error(answer.getStatusCode().value() == 404 ? ApiProblem.notFound("Case " + caseId)
                        : new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, "owner-unreachable",
                                "The instance that owns this case did not answer; retry shortly.").retryAfterSeconds(1)));
    }

    /** The body, refused with 413 as soon as it passes the file limit (never buffered beyond it). */
    private Mono<byte[]> read(ServerHttpRequest request) {
        return DataBufferUtils.join(request.getBody(), (int) check.maxBytes())
                .map(buffer -> {
                    var bytes = new byte[buffer.readableByteCount()];
                    buffer.read(bytes);
                    DataBufferUtils.release(buffer);
                    return bytes;
                })
                .defaultIfEmpty(new byte[0])
                .onErrorMap(DataBufferLimitException.class, e -> problem(check.tooLarge(check.maxBytes() + 1)));
    }

    /** Exactly the bytes attached, with their type and SHA-256 (ETag, Repr-Digest, X-Content-SHA256). */
    @Operation(summary = "Download an evidence file: exactly the bytes attached, with their type and SHA-256 (whoever may see "
            + "that evidence on the case)")
    @ApiResponse(responseCode = "200", description = "The file, as an attachment with its stored Content-Type; ETag, Repr-Digest "
            + "and X-Content-SHA256 carry its SHA-256",
            content = @Content(mediaType = "application/octet-stream", schema = @Schema(type = "string", format = "binary")))
    @ApiResponse(responseCode = "304", description = "Not modified: `If-None-Match` has the file's ETag")
    @GetMapping("/cases/{caseId}/evidence/files/{fileId}")
    public Mono<ResponseEntity<?>> download(@PathVariable String caseId, @PathVariable String fileId,
                                            @RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch,
                                            Authentication auth, ServerHttpRequest request) {
        var caller = Caller.of(auth);
        OwnerRouting.checkId(fileId);
        return fileRouting.answer(SupportTopology.ORDER_CASES_STORE, access.orderIdOf(caseId), request, null, () -> {
            var kase = access.visibleCase(caseId, caller);
            var evidence = kase.evidence(fileId);
            if (evidence == null || evidence.kind() != EvidenceKind.FILE || !kase.visibleTo(evidence, CaseAccess.viewer(kase, caller))) {
                throw ApiProblem.notFound("File " + fileId);
            }
            var file = evidence.file();
            var etag = "\"" + file.sha256() + "\"";
            if (etag.equals(ifNoneMatch)) {
                return Mono.just(ResponseEntity.status(HttpStatus.NOT_MODIFIED).eTag(etag).build());
            }
            var bytes = router.<byte[]>localStore(SupportTopology.FILES_STORE).get(SupportTopology.fileKey(caseId, fileId));
            if (bytes == null && kase.status().closed()) {
                throw new ApiProblem(HttpStatus.GONE, "file-expired", "The files of a closed case are kept for a while; this one "
                        + "was deleted. Its name, size and SHA-256 stay on the case.");
            }
            if (bytes == null) {
                throw ApiProblem.notFound("File " + fileId);
            }
            var digest = Base64.getEncoder().encodeToString(HexFormat.of().parseHex(file.sha256()));
            return Mono.just(ResponseEntity.ok()
                    .contentType(MediaType.parseMediaType(file.contentType()))
                    .contentLength(bytes.length)
                    .eTag(etag)
                    .header("Repr-Digest", "sha-256=:" + digest + ":")
                    .header("X-Content-SHA256", file.sha256())
                    // Uploaded content is served as a download of its checked type, never sniffed or rendered inline.
                    .header("X-Content-Type-Options", "nosniff")
                    .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment().filename(file.name()).build().toString())
                    .cacheControl(org.springframework.http.CacheControl.noCache().cachePrivate())
                    .body(bytes));
        });
    }

    private ApiProblem refused(FileCheck.Result result) {
        return problem((FileCheck.Refused) result);
    }

    private ApiProblem problem(FileCheck.Refused refused) {
        var status = switch (refused.refusal()) {
            case FILE_TOO_LARGE -> HttpStatus.CONTENT_TOO_LARGE;
            case FILE_TYPE_NOT_ALLOWED -> HttpStatus.UNSUPPORTED_MEDIA_TYPE;
            default -> HttpStatus.BAD_REQUEST;
        };
        var problem = new ApiProblem(status, refused.refusal().code(), refused.detail());
        if (status == HttpStatus.CONTENT_TOO_LARGE) {
            problem.with("maxBytes", check.maxBytes());
        } else if (status == HttpStatus.UNSUPPORTED_MEDIA_TYPE) {
            problem.with("allowedTypes", check.allowedTypes().stream().sorted().toList());
        }
        return problem;
    }
}
