package market.resale.platform.tracing;

import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Trace context across Kafka hops, on top of what Spring Boot's Micrometer Tracing with OpenTelemetry
 * does for HTTP (a server span per request, W3C {@code traceparent} read and written, trace and span ids
 * in the logs' MDC). Spans are exported over OTLP when
 * {@code management.opentelemetry.tracing.export.otlp.endpoint} is set (docker-compose and Kubernetes
 * point it at the collector); without it they are only in the logs and headers.
 */
@AutoConfiguration
public class TracingConfiguration {

    @Bean
    RecordTracing recordTracing(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
        var t = tracer.getIfAvailable();
        var p = propagator.getIfAvailable();
        return t == null || p == null ? RecordTracing.NONE : new RecordTracing(t, p);
    }
}
