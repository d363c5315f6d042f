package market.resale.platform.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.Properties;
import market.resale.platform.tracing.RecordTracing;
import market.resale.schemas.registry.SchemaRegistryClient;
import market.resale.schemas.registry.SchemaRegistryClients;
import market.resale.schemas.serde.TrustedPackages;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;

/** Kafka Streams, the registry client and the command publisher, configured the same way in every service. */
@AutoConfiguration
@EnableConfigurationProperties(KafkaSettings.class)
public class KafkaConfiguration {

    static {
        TrustedPackages.register();
    }

    @Bean
    SchemaRegistryClient schemaRegistryClient(KafkaSettings settings) {
        var registry = SchemaRegistryClients.forSettings(settings.registry());
        if (!settings.autoRegisterSchemas()) {
            SchemaCheck.requireRegistered(registry); // before anything could write: the start fails here
        } else {
            SchemaCheck.registerInBackground(registry);
        }
        return registry;
    }

    @Bean(destroyMethod = "close")
    EventPublisher eventPublisher(KafkaSettings settings, SchemaRegistryClient registry,
                                  @Value("${spring.application.name}") String application, RecordTracing tracing,
                                  MeterRegistry meters) {
        return new EventPublisher(settings, application + "-http", registry, tracing, meters);
    }

    @Bean
    @ConditionalOnBean(Topology.class)
    StreamsRunner streamsRunner(Topology topology, KafkaSettings settings, ApplicationContext context,
                                MeterRegistry meters, @Value("${spring.application.name}") String application) {
        return new StreamsRunner(topology, () -> {
            if (settings.createTopics()) {
                TopicProvisioner.ensureTopics(settings);
            }
            return streamsProperties(settings, application, serverPort(context));
        }, context, meters);
    }

    /**
     * Kafka Streams as a health contributor ({@code kafkaStreams}) that the {@code readiness} group includes
     * (each service's yml): ready only while RUNNING, whatever the order in which the application's own
     * availability events arrive (Boot declares the application ready after start-up, even if Streams is
     * still waiting for a broker). DOWN while its stream threads keep failing ({@link StreamsRunner#failing()}).
     */
    @Bean
    @ConditionalOnBean(Topology.class)
    org.springframework.boot.health.contributor.HealthIndicator kafkaStreamsHealthIndicator(StreamsRunner runner) {
        return runner::health;
    }

    /** Answers that report a decision wait for the transaction holding it to commit (docs/reliability.md). */
    @Bean(destroyMethod = "close")
    @ConditionalOnBean(Topology.class)
    GroupCommitWatch commitWatch(KafkaSettings settings, MeterRegistry meters,
                                 org.springframework.beans.factory.ObjectProvider<StreamsRunner> runner,
                                 @Value("${spring.application.name}") String application) {
        // The runner is looked up when first asked: the topology (which counts through this watch) comes before it.
        return new GroupCommitWatch(org.apache.kafka.clients.admin.Admin.create(settings.adminConfig()),
                () -> runner.getObject().committedOffsets(), application, settings.commitWatch(), meters);
    }

    @Bean
    @ConditionalOnBean(Topology.class)
    market.resale.platform.web.CommandFlow commandFlow(CommitWatch commits) {
        return new market.resale.platform.web.CommandFlow(commits);
    }

    @Bean
    @ConditionalOnBean(Topology.class)
    KeyOwnerRouter keyOwnerRouter(StreamsRunner runner, KafkaSettings settings, ApplicationContext context) {
        return new KeyOwnerRouter(runner, () -> settings.advertisedHost() + ":" + serverPort(context));
    }

    @Bean
    @ConditionalOnBean(Topology.class)
    market.resale.platform.web.OwnerRouting ownerRouting(KeyOwnerRouter router, market.resale.platform.web.Forwarder forwarder) {
        return new market.resale.platform.web.OwnerRouting(router, forwarder);
    }

    static int serverPort(ApplicationContext context) {
        if (context instanceof WebServerApplicationContext web && web.getWebServer() != null) {
            return web.getWebServer().getPort();
        }
        return context.getEnvironment().getProperty("server.port", Integer.class, 8080);
    }

    public static Properties streamsProperties(KafkaSettings settings, String applicationId, int httpPort) {
        var props = new Properties();
        // A stream thread blocks in poll() up to poll.ms (100 by default) before it checks whether to commit, so
        // with sparse input each hop's transaction closed up to 100 ms late. 10 ms took the benchmark's p99 from
        // cancellation to credit from 472 to 352 ms at 75 orders/s, for 0.05 core per idle instance
        // (docs/benchmarks.md). app.kafka.client[poll.ms] overrides it.
        props.put(StreamsConfig.POLL_MS_CONFIG, 10L);
        // A stream thread's records wait up to 20 ms to share a batch (within an exactly-once transaction they are
        // flushed at its commit anyway): in the benchmark the system then sustained 250 orders/s instead of 175, at
        // the same latency to credit below that (docs/benchmarks.md, run 13; 5 ms before).
        // app.kafka.client[producer.linger.ms] overrides it.
        props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 20);
        props.putAll(settings.client());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir());
        props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, settings.advertisedHost() + ":" + httpPort);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, settings.commitInterval().toMillis());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, settings.streamThreads());
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, settings.replicationFactor());
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        return props;
    }
}
