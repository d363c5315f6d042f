package market.resale.platform.web;

import java.util.Map;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.http.HttpStatus;
import org.springframework.security.web.server.WebFilterChainProxy;

/**
 * Spring Security's request firewall refuses paths and queries that cannot be matched safely (encoded
 * '.', '/', '%' or ';', NUL and other control characters, "..") before anything else runs; by default
 * with a bare 400 and no body. This answers them like every other error: 400 problem+json
 * {@code invalid-request-target}, with a Content-Length so the connection stays usable.
 */
public class FirewallRejections implements BeanPostProcessor {

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof WebFilterChainProxy proxy) {
            proxy.setExchangeRejectedHandler((exchange, rejected) -> ProblemResponses.write(exchange, HttpStatus.BAD_REQUEST,
                    "invalid-request-target", "The request path or query has characters or sequences that are not accepted "
                            + "(encoded '.', '/', '%' or ';', control characters, or '..')", Map.of()));
        }
        return bean;
    }
}
