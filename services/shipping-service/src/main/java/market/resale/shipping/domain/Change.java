package market.resale.shipping.domain;

import java.util.List;

/**
 * The result of applying one input to a shipment: its new state, what to announce, and the
 * outcome (the {@code outcome} tag of {@code scans_total}).
 */
public record Change(Shipment shipment, List<ShippingEvent> events, Outcome outcome) {

    public enum Outcome {
        /** A redelivered input: nothing changed. */
        DUPLICATE,
        RECORDED,
        SHIPPED,
        LABEL_VOIDED,
        CONFLICT
    }

    public Change {
        events = List.copyOf(events);
    }

    static Change none(Shipment shipment) {
        return new Change(shipment, List.of(), Outcome.DUPLICATE);
    }

    public boolean changed() {
        return outcome != Outcome.DUPLICATE;
    }
}
