package market.resale.orders.stream;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/** Keeps each party's orders, newest first, in the partition of the party. */
class PartyIndexProcessor implements Processor<String, PartyOrder, Void, Void> {

    private KeyValueStore<String, PartyOrder> store;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(OrdersTopology.PARTY_ORDERS_STORE);
    }

    @Override
    public void process(Record<String, PartyOrder> record) {
        var line = record.value();
        var current = store.get(line.storeKey());
        // Re-delivered or reordered updates never roll a line back to an older version. (A comment or
        // a noted step keeps the version, so an equal version replaces the line.)
        if (current == null || current.version() <= line.version()) {
            store.put(line.storeKey(), line);
        }
    }
}
