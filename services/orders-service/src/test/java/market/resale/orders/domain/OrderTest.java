package market.resale.orders.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class OrderTest {

    private static final long PLACED_AT = 1_795_000_000_000L;
    private static final CancellationPolicy POLICY = new CancellationPolicy(Duration.ofHours(3));

    private static Order placed() {
        return Order.placed("o-1", "buyer-ann", "seller-sam", new Item("l-1", "Jacket", "M", "GOOD"),
                new Amounts(4_500, 797, 360, 500, "USD"), PLACED_AT, POLICY.windowClosesAt(PLACED_AT));
    }

    @Test
    void aCallerWhoKeepsTryingCannotGrowTheOrderWithoutBound() {
        var order = placed();
        var late = PLACED_AT + Duration.ofHours(4).toMillis();
        for (int i = 0; i < 500; i++) {
            var request = new CancelRequest("c-" + i, Actor.BUYER, "buyer-ann", "CHANGED_MIND", 1L, late + i, null);
            order = order.decided(request, POLICY.decide(order, request), late + i);
        }

        assertThat(order.timeline()).hasSize(1 + 2 * Order.MAX_REFUSALS_SHOWN);

        var bySeller = new CancelRequest("s-1", Actor.SELLER, "seller-sam", "ITEM_UNAVAILABLE", 1L, late + 600, null);
        var cancelled = order.decided(bySeller, POLICY.decide(order, bySeller), late + 600);
        assertThat(cancelled.timeline().getLast().event()).isEqualTo(TimelineEntry.CANCELLED);
    }

    @Test
    void theNoteOfADirectCancellationIsKeptAndShownOnTheTimeline() {
        var request = new CancelRequest("s-1", Actor.SELLER, "seller-sam", "ITEM_DAMAGED", "  The zip broke while packing. ",
                1L, PLACED_AT + 60_000, null, null, null);
        var cancelled = placed().decided(request, POLICY.decide(placed(), request), PLACED_AT + 61_000);

        assertThat(cancelled.cancellation().note()).isEqualTo("  The zip broke while packing. ");
        assertThat(cancelled.timeline()).anySatisfy(step -> {
            assertThat(step.event()).isEqualTo(TimelineEntry.CANCEL_REQUESTED);
            assertThat(step.detail()).isEqualTo("SELLER ITEM_DAMAGED: \"The zip broke while packing.\"");
        });
    }
}
