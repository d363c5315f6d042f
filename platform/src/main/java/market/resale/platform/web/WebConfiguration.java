package market.resale.platform.web;

import java.time.Clock;
import java.time.Duration;
import market.resale.platform.security.DevTokens;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.web.reactive.function.client.WebClient;

@AutoConfiguration
@Import({ProblemHandling.class, DevTokens.class})
public class WebConfiguration {

    /** Every decision that depends on time reads this clock; tests replace it. */
    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    Forwarder forwarder() {
        return new Forwarder(WebClient.builder(), Duration.ofSeconds(10));
    }
}
