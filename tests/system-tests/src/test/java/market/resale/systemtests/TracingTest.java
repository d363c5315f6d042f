package market.resale.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import market.resale.credits.CreditsApplication;
import market.resale.messaging.MessagingApplication;
import market.resale.orders.OrdersApplication;
import market.resale.platform.tracing.RecordTracing;
import market.resale.schemas.checkout.ItemCondition;
import market.resale.schemas.checkout.OrderPlaced;
import market.resale.schemas.topics.Topics;
import market.resale.testsupport.ApicurioRegistry;
import market.resale.testsupport.KafkaSeam;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 7, distributed tracing, on the real broker and registry: one cancellation is one trace from the
 * buyer's HTTP request (whose {@code traceparent} the client chose) through orders-service's decision,
 * credits-service's ledger and messaging-service's inbox. Each service exports its spans to a collecting
 * exporter here (OTLP in compose and Kubernetes); the credit-issued record itself carries the trace in its
 * headers. The trace id is also in the decision's log line and in problem+json answers.
 */
class TracingTest {

    /** Every span every service here ended, with the service that ended it. */
    private static final Collection<SpanData> SPANS = new ConcurrentLinkedQueue<>();
    private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
    private static final Random RANDOM = new Random();

    private static ServiceProcess orders;
    private static ServiceProcess orders2;
    private static ServiceProcess credits;
    private static ServiceProcess messaging;
    private static KafkaProducer<String, SpecificRecord> upstream;
    private static String bootstrap;

    /** Collects spans in memory, as an OTLP exporter would send them to the collector. */
    static final class CollectingExporter implements SpanExporter {
        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            SPANS.addAll(spans);
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }

    @BeforeAll
    static void startTheSystem() {
        bootstrap = KafkaSeam.shared().bootstrapServers();
        var registryUrl = ApicurioRegistry.shared().ccompatUrl();
        // Spans leave each service's batch every 100 ms instead of every 5 s.
        Map<String, Object> exportFast = Map.of("management.opentelemetry.tracing.export.schedule-delay", "100ms");
        orders = ServiceProcess.start(OrdersApplication.class, "orders-service", "orders", bootstrap, registryUrl, exportFast,
                Map.of("collectingSpanExporter", new CollectingExporter()));
        // A second instance: a query that reaches the instance not owning its order is forwarded to the owner.
        orders2 = ServiceProcess.start(OrdersApplication.class, "orders-service", "orders-2", bootstrap, registryUrl, exportFast,
                Map.of("collectingSpanExporter", new CollectingExporter()));
        credits = ServiceProcess.start(CreditsApplication.class, "credits-service", "credits", bootstrap, registryUrl, exportFast,
                Map.of("collectingSpanExporter", new CollectingExporter()));
        messaging = ServiceProcess.start(MessagingApplication.class, "messaging-service", "messaging", bootstrap, registryUrl, exportFast,
                Map.of("collectingSpanExporter", new CollectingExporter()));
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                .until(() -> orders.ready() && orders2.ready() && credits.ready() && messaging.ready());
        upstream = Upstream.producer(bootstrap, registryUrl);
    }

    @AfterAll
    static void stopTheSystem() {
        for (var closeable : new AutoCloseable[] {upstream, messaging, credits, orders2, orders}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                // keep stopping the rest
            }
        }
    }

    private static String traceId() {
        var bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        bytes[0] |= 1; // never all zeros
        return HexFormat.of().formatHex(bytes);
    }

    private static String traceparent(String traceId) {
        var span = new byte[8];
        RANDOM.nextBytes(span);
        span[0] |= 1;
        return "00-" + traceId + "-" + HexFormat.of().formatHex(span) + "-01";
    }

    @Test
    void oneCancellationIsOneTraceFromTheRequestThroughOrdersCreditsAndMessaging() throws Exception {
        var buyer = "trace-buyer-" + UUID.randomUUID().toString().substring(0, 8);
        var token = orders.token(buyer, "BUYER");
        var orderId = "trace-" + UUID.randomUUID();
        upstream.send(new ProducerRecord<>(Topics.ORDER_PLACED.name(), orderId, OrderPlaced.newBuilder().setOrderId(orderId)
                .setBuyerId(buyer).setSellerId("trace-seller").setListingId("l-" + orderId).setTitle("Silk scarf").setSize("OS")
                .setCondition(ItemCondition.GOOD).setPriceCents(1_500).setShippingCents(400).setTaxCents(120)
                .setCreditsAppliedCents(0).setCurrency("USD").setPlacedAt(Instant.now()).build())).get();
        await().atMost(Duration.ofSeconds(30)).until(() -> orders.get("/orders/" + orderId, token).status() == 200
                && orders2.get("/orders/" + orderId, token).status() == 200);

        var traceId = traceId();
        var cancelled = orders.post("/orders/" + orderId + "/cancellations", token, "{\"reason\":\"CHANGED_MIND\",\"expectedVersion\":1}",
                Map.of("traceparent", traceparent(traceId), "Idempotency-Key", UUID.randomUUID().toString()));
        assertThat(cancelled.status()).as(cancelled.body().toString()).isIn(200, 202);

        // The credit-issued record carries the trace of the request that caused it.
        var credit = awaitRecord(Topics.CREDIT_ISSUED.name(), buyer);
        assertThat(RecordTracing.traceId(credit.headers())).isEqualTo(traceId);

        // One trace: the request in orders-service, its decision, the ledger in credits-service, the inbox in
        // messaging-service; each hop a child of the one before.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            var byService = spans(traceId).stream().collect(Collectors.groupingBy(s -> s.getResource().getAttribute(SERVICE_NAME),
                    Collectors.mapping(SpanData::getName, Collectors.toSet())));
            assertThat(byService.keySet()).contains("orders-service", "credits-service", "messaging-service");
            assertThat(byService.get("orders-service")).contains("orders decide", "publish " + Topics.CANCEL_COMMANDS.name())
                    .anyMatch(name -> name.startsWith("http post"));
            assertThat(byService.get("credits-service")).contains("credits ledger");
            assertThat(byService.get("messaging-service")).contains("messaging inbox");
        });
        // Its root is the request's server span, child of the client's traceparent; every other span's parent is in
        // the trace (a forward to the instance owning the order adds a client span and the owner's server span).
        // Spans are exported as they end, the root last: asserted once it is there.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            var spans = spans(traceId);
            var spanIds = spans.stream().map(SpanData::getSpanId).collect(Collectors.toSet());
            var roots = spans.stream().filter(span -> !spanIds.contains(span.getParentSpanId())).toList();
            assertThat(roots).as("the trace's roots").hasSize(1);
            assertThat(roots.getFirst().getName()).startsWith("http post");
            assertThat(roots.getFirst().getParentSpanContext().isRemote()).as("the server span continues the client's traceparent").isTrue();
        });
        var trace = spans(traceId);
        var ledger = trace.stream().filter(s -> s.getName().equals("credits ledger")).findFirst().orElseThrow();
        var decide = trace.stream().filter(s -> s.getName().equals("orders decide")
                && ledger.getParentSpanId().equals(s.getSpanId())).findFirst();
        assertThat(decide).as("the ledger's span is a child of the decision's").isPresent();

        // The decision's and the credit's log lines name the trace (the MDC's traceId: a field of its own in the
        // services' JSON logs; in this test's log file, between brackets).
        var log = Files.readAllLines(Path.of("target", "system-tests.log"));
        assertThat(log.stream().filter(l -> l.contains("[" + traceId + ",") && l.contains(orderId)).map(l -> l.replaceAll(".* - ", "")))
                .as("log lines of the order with its trace id")
                .anyMatch(l -> l.startsWith("Cancellation of order " + orderId) && l.endsWith("CANCELLED"))
                .anyMatch(l -> l.startsWith("Credit of ") && l.contains(buyer));
    }

    @Test
    void aProblemAnswerNamesTheTraceOfItsRequest() throws Exception {
        var token = orders.token("trace-stranger", "BUYER");
        var traceId = traceId();
        var notFound = orders.post("/orders/no-such-order/cancellations", token, "{\"reason\":\"CHANGED_MIND\",\"expectedVersion\":1}",
                Map.of("traceparent", traceparent(traceId), "Idempotency-Key", UUID.randomUUID().toString()));
        assertThat(notFound.status()).isEqualTo(404);
        assertThat(notFound.body().get("traceId").asString()).isEqualTo(traceId);

        var unauthenticatedTrace = traceId();
        var unauthenticated = orders.post("/orders/no-such-order/cancellations", null, "{}",
                Map.of("traceparent", traceparent(unauthenticatedTrace)));
        assertThat(unauthenticated.status()).isEqualTo(401);
        assertThat(unauthenticated.body().get("traceId").asString()).isEqualTo(unauthenticatedTrace);

        // The metrics carry no exemplars (trace ids): Prometheus 2.x refuses them on _count series and drops the scrape.
        var metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(orders.baseUrl() + "/actuator/prometheus"))
                .header("Accept", "application/openmetrics-text;version=1.0.0").build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.body()).contains("http_server_requests_seconds_count").doesNotContain("trace_id=");

        // Without a traceparent the service starts a trace of its own and still names it.
        var fresh = orders.post("/orders/no-such-order/cancellations", token, "{\"reason\":\"CHANGED_MIND\",\"expectedVersion\":1}",
                Map.of("Idempotency-Key", UUID.randomUUID().toString()));
        assertThat(fresh.body().get("traceId").asString()).matches("[0-9a-f]{32}");
    }

    /**
     * One of two instances owns an order; a query at the other is forwarded to the owner over HTTP, and the
     * forward carries the caller's trace: the same trace has the query's server span on both instances.
     */
    @Test
    void aQueryForwardedToTheOwningInstanceStaysInItsTrace() throws Exception {
        var buyer = "trace-fwd-" + UUID.randomUUID().toString().substring(0, 8);
        var token = orders.token(buyer, "BUYER");
        var orderId = "trace-fwd-" + UUID.randomUUID();
        upstream.send(new ProducerRecord<>(Topics.ORDER_PLACED.name(), orderId, OrderPlaced.newBuilder().setOrderId(orderId)
                .setBuyerId(buyer).setSellerId("trace-seller").setListingId("l-" + orderId).setTitle("Linen shirt").setSize("L")
                .setCondition(ItemCondition.GOOD).setPriceCents(2_000).setShippingCents(400).setTaxCents(120)
                .setCreditsAppliedCents(0).setCurrency("USD").setPlacedAt(Instant.now()).build())).get();
        await().atMost(Duration.ofSeconds(30)).until(() -> orders.get("/orders/" + orderId, token).status() == 200);

        var traces = new java.util.ArrayList<String>();
        for (var instance : List.of(orders, orders2)) {
            var traceId = traceId();
            var answer = instance.get("/orders/" + orderId, token, Map.of("traceparent", traceparent(traceId)));
            assertThat(answer.status()).isEqualTo(200);
            traces.add(traceId);
        }
        // Exactly one of the two requests reached the instance that does not own the order, and was forwarded.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> assertThat(traces.stream()
                .filter(traceId -> spans(traceId).stream().filter(s -> s.getName().equals("http get /orders/{orderId}")).count() == 2)
                .toList()).as("a trace with the query's server span at both instances").hasSize(1));
        var forwarded = traces.stream().filter(traceId -> spans(traceId).stream()
                .filter(s -> s.getName().equals("http get /orders/{orderId}")).count() == 2).findFirst().orElseThrow();
        var trace = spans(forwarded);
        var ids = trace.stream().map(SpanData::getSpanId).collect(Collectors.toSet());
        assertThat(trace).filteredOn(s -> s.getKind() == io.opentelemetry.api.trace.SpanKind.CLIENT).isNotEmpty();
        assertThat(trace).filteredOn(s -> !s.getParentSpanContext().isRemote() || ids.contains(s.getParentSpanId()))
                .as("every span but the first has its parent in the trace").hasSize(trace.size() - 1);
    }

    private static List<SpanData> spans(String traceId) {
        return SPANS.stream().filter(s -> s.getTraceId().equals(traceId)).toList();
    }

    /** The first record keyed {@code key} on {@code topic}, committed. */
    private static ConsumerRecord<String, byte[]> awaitRecord(String topic, String key) {
        var props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "tracing-test-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            var found = new ConsumerRecord<?, ?>[1];
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    if (key.equals(record.key())) {
                        found[0] = record;
                        return true;
                    }
                }
                return false;
            });
            @SuppressWarnings("unchecked")
            var record = (ConsumerRecord<String, byte[]>) found[0];
            return record;
        }
    }
}
