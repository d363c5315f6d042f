package market.resale.platform.security;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import javax.crypto.spec.SecretKeySpec;
import market.resale.platform.web.ApiProblem;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every endpoint needs a bearer JWT, except health and metrics (and {@code /dev/tokens}, which exists
 * only in the local profile). Tokens are HS256 dev tokens in the local profile, otherwise validated by
 * Spring Boot's decoder against the configured issuer, JWKS and audiences, plus {@link JwtPolicy}. The
 * subject is the user id; the {@code roles} claim lists BUYER / SELLER / SUPPORT / CARRIER. What each role may see is decided per
 * endpoint against the data (ownership), not here.
 */
@AutoConfiguration
@EnableWebFluxSecurity
@EnableConfigurationProperties(SecuritySettings.class)
public class SecurityConfiguration {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * Endpoints anyone may call: the OpenAPI document, and dev token minting (which exists only in the
     * local profile). Everything else but the actuator's health and metrics needs a bearer token.
     */
    public static final java.util.List<String> PUBLIC_PATHS = java.util.List.of("/dev/tokens", "/v3/api-docs", "/v3/api-docs.yaml", "/v3/api-docs/**");

    @Bean
    SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http) {
        return http
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
                        .pathMatchers(PUBLIC_PATHS.toArray(String[]::new)).permitAll()
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
     * Added by Spring Boot to its issuer/JWKS decoder's checks (outside the local profile); creating it
     * also refuses a configuration without audiences, or a dev secret outside the local profile.
     */
    @Bean
    OAuth2TokenValidator<Jwt> jwtPolicy(SecuritySettings settings, Environment environment) {
        return JwtPolicy.checked(settings, environment);
    }

    /** Local profile only: tokens minted by {@code /dev/tokens} are signed with this secret. */
    @Bean
    @ConditionalOnProperty("app.security.dev-secret")
    ReactiveJwtDecoder devJwtDecoder(SecuritySettings settings) {
        return NimbusReactiveJwtDecoder.withSecretKey(secretKey(settings)).macAlgorithm(MacAlgorithm.HS256).build();
    }

    static SecretKeySpec secretKey(SecuritySettings settings) {
        var bytes = settings.devSecret().getBytes(StandardCharsets.UTF_8);
        if (bytes.length < 32) {
            throw new IllegalStateException("app.security.dev-secret must be at least 32 bytes");
        }
        return new SecretKeySpec(bytes, "HmacSHA256");
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
        var response = exchange.getResponse();
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (status == HttpStatus.UNAUTHORIZED) {
            response.getHeaders().set("WWW-Authenticate", "Bearer");
        }
        var problem = ApiProblem.problem(status, code, detail, Map.of());
        var body = new java.util.LinkedHashMap<String, Object>();
        body.put("type", problem.getType().toString());
        body.put("title", problem.getTitle());
        body.put("status", problem.getStatus());
        body.put("detail", problem.getDetail());
        body.put("code", code);
        body.put("instance", exchange.getRequest().getPath().value());
        var bytes = JSON.writeValueAsBytes(body);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(bytes)));
    }
}
