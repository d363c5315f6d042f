package market.resale.platform.security;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import market.resale.platform.web.ProblemResponses;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.CorsConfigurationSource;
import org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Every endpoint needs a bearer JWT, except health, metrics and the OpenAPI document. In every profile,
 * the local one included, tokens are validated by Spring Boot's decoder against the identity provider's
 * JWKS, issuer and the service's audiences, plus {@link JwtPolicy}: no service holds a signing secret
 * (the local stack's provider is the token-issuer module). The
 * subject is the user id; the {@code roles} claim lists BUYER / SELLER / SUPPORT / CARRIER. What each role may see is decided per
 * endpoint against the data (ownership), not here.
 */
@AutoConfiguration
@EnableWebFluxSecurity
@EnableConfigurationProperties(CorsSettings.class)
public class SecurityConfiguration {

    /** {@code jwtPolicy} first: a configuration without keys or audiences is refused before the decoder is looked up. */
    @Bean
    SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http, OAuth2TokenValidator<Jwt> jwtPolicy, CorsSettings cors,
                                                  org.springframework.beans.factory.ObjectProvider<PublicPaths> publicPaths) {
        var open = PublicPaths.all(publicPaths.orderedStream());
        return http
                .cors(spec -> {
                    if (cors.allowedOrigins().isEmpty()) {
                        spec.disable();
                    } else {
                        spec.configurationSource(corsSource(cors));
                    }
                })
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                // Stateless: every request carries its bearer token. Nothing is kept in (or looked up from) a
                // WebSession, and a refused request is not saved for replay after a login that never comes.
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
                .authorizeExchange(ex -> ex
                        .pathMatchers("/actuator/health/**", "/actuator/health", "/actuator/prometheus", "/actuator/info").permitAll()
                        .pathMatchers(open.toArray(String[]::new)).permitAll()
                        .anyExchange().authenticated())
                .oauth2ResourceServer(rs -> rs
                        .jwt(jwt -> jwt.jwtAuthenticationConverter(SecurityConfiguration::authentication))
                        .authenticationEntryPoint((exchange, e) -> write(exchange, HttpStatus.UNAUTHORIZED,
                                "unauthenticated", "A valid bearer token is required"))
                        .accessDeniedHandler((exchange, e) -> write(exchange, HttpStatus.FORBIDDEN,
                                "forbidden", "Not allowed for this caller")))
                .exceptionHandling(ex -> ex
                        .authenticationEntryPoint((exchange, e) -> write(exchange, HttpStatus.UNAUTHORIZED,
                                "unauthenticated", "A valid bearer token is required"))
                        .accessDeniedHandler((exchange, e) -> write(exchange, HttpStatus.FORBIDDEN,
                                "forbidden", "Not allowed for this caller")))
                .build();
    }

    /**
     * The allowed origins may call with a bearer token (no cookies: the API is stateless); a preflight is
     * answered before authentication. What a page may read of an answer: its Location, Retry-After and RateLimit fields too.
     */
    private static CorsConfigurationSource corsSource(CorsSettings settings) {
        var cors = new CorsConfiguration();
        cors.setAllowedOrigins(settings.allowedOrigins());
        cors.setAllowedMethods(List.of("GET", "POST", "OPTIONS"));
        cors.setAllowedHeaders(List.of("Authorization", "Content-Type", "Idempotency-Key", "traceparent"));
        cors.setExposedHeaders(List.of("Location", "Retry-After", "RateLimit", "RateLimit-Policy"));
        cors.setAllowCredentials(false);
        cors.setMaxAge(3600L);
        var source = new UrlBasedCorsConfigurationSource();
        source.registerCorsConfiguration("/**", cors);
        return source;
    }

    /**
     * Added by Spring Boot to its issuer/JWKS decoder's checks; creating it also refuses a configuration
     * without audiences or without the identity provider's keys.
     */
    @Bean
    OAuth2TokenValidator<Jwt> jwtPolicy(Environment environment) {
        return JwtPolicy.checked(environment);
    }

    static Mono<AbstractAuthenticationToken> authentication(Jwt jwt) {
        Collection<SimpleGrantedAuthority> authorities = roles(jwt).stream()
                .flatMap(r -> java.util.Arrays.stream(Role.values()).filter(role -> role.name().equalsIgnoreCase(r)))
                .map(role -> new SimpleGrantedAuthority(role.authority()))
                .toList();
        return Mono.just(new JwtAuthenticationToken(jwt, authorities, jwt.getSubject()));
    }

    private static List<String> roles(Jwt jwt) {
        var claim = jwt.getClaims().get("roles");
        if (claim instanceof Collection<?> values) {
            return values.stream().map(String::valueOf).toList();
        }
        return claim instanceof String value ? List.of(value.split("[ ,]+")) : List.of();
    }

    static Mono<Void> write(ServerWebExchange exchange, HttpStatus status, String code, String detail) {
        if (status == HttpStatus.UNAUTHORIZED) {
            exchange.getResponse().getHeaders().set("WWW-Authenticate", "Bearer");
        }
        return ProblemResponses.write(exchange, status, code, detail, Map.of());
    }
}
