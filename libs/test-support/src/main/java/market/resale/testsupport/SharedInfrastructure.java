package market.resale.testsupport;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects the JVM-wide {@link ApicurioRegistry#shared()} and {@link KafkaSeam#shared()} into test
 * constructors, lifecycle methods and test methods; each starts on first use only.
 *
 * <pre>{@code
 * @ExtendWith(SharedInfrastructure.class)
 * class OrderFlowIT {
 *     @BeforeAll static void topics(KafkaSeam kafka) { kafka.createTopics(List.of("checkout.order-placed"), 6); }
 *     @Test void cancels(KafkaSeam kafka, ApicurioRegistry registry) { ... }
 * }
 * }</pre>
 */
public final class SharedInfrastructure implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == ApicurioRegistry.class || type == KafkaSeam.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == ApicurioRegistry.class ? ApicurioRegistry.shared() : KafkaSeam.shared();
    }
}
