package market.resale.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, point 0: a record that cannot be dead-lettered (here: its bytes are not at hand, it did not come through
 * {@link Sources}) is logged and counted ({@code dead_letter_failures_total}); dead-lettering never throws, so the
 * stream goes on with the next record instead of failing its thread on the same record for ever.
 */
class DeadLettersTest {

    @Test
    void aRecordThatCannotBeDeadLetteredDoesNotStopTheStream() throws Exception {
        var meters = new SimpleMeterRegistry();
        var counters = new CommittedCounters(meters, CommitWatch.PROCESSED_IS_COMMITTED);
        var applied = new ArrayList<String>();
        var builder = new StreamsBuilder();
        builder.stream("plain", Consumed.with(Serdes.String(), Serdes.String()))
                .process(() -> new ServiceProcessor<String, Outbound>("dlt-test", counters) {
                    @Override
                    protected void opened() {
                    }

                    @Override
                    public void process(Record<String, String> record) {
                        if (record.value().startsWith("bad")) {
                            deadLetter(record, DeadLetters.INVALID, "refused");
                        } else {
                            applied.add(record.value());
                        }
                    }
                });
        var props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "dlt-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("dlt-test").toString());
        try (var driver = new TopologyTestDriver(builder.build(), props, Instant.EPOCH)) {
            var input = driver.createInputTopic("plain", new StringSerializer(), new StringSerializer());
            input.pipeInput("k-1", "bad-1");
            input.pipeInput("k-2", "good-2");
            input.pipeInput("k-3", "bad-3");
            input.pipeInput("k-4", "good-4");
        }

        assertThat(applied).containsExactly("good-2", "good-4");
        assertThat(meters.counter("dead_letter_failures_total").count()).isEqualTo(2);
    }
}
