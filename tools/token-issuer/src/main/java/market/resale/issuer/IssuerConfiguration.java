package market.resale.issuer;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.oauth2.server.authorization.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;

@Configuration(proxyBeanMethods = false)
class IssuerConfiguration {

    /**
     * The protocol endpoints: token (client authentication, or PKCE for the console), authorize (a signed-in
     * user; otherwise the login page), JWKS and metadata (open). The console's origin may call them from its page.
     */
    @Bean
    @Order(1)
    SecurityFilterChain authorizationServer(HttpSecurity http) throws Exception {
        var authorizationServer = new OAuth2AuthorizationServerConfigurer();
        return http
                .securityMatcher(authorizationServer.getEndpointsMatcher())
                .with(authorizationServer, Customizer.withDefaults())
                .authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
                .csrf(csrf -> csrf.ignoringRequestMatchers(authorizationServer.getEndpointsMatcher()))
                .cors(Customizer.withDefaults())
                .exceptionHandling(exceptions -> exceptions.defaultAuthenticationEntryPointFor(
                        new LoginUrlAuthenticationEntryPoint("/login"), new MediaTypeRequestMatcher(MediaType.TEXT_HTML)))
                .build();
    }

    /**
     * The login page (form login of the configured users), sign-out, and health for the orchestrator; nothing
     * else. Sign-out is a GET the console navigates to ({@code /logout?redirect_uri=<its page>}): it ends the
     * session here and returns to the page only if the page is of an allowed console origin.
     */
    @Bean
    @Order(2)
    SecurityFilterChain everythingElse(HttpSecurity http, IssuerSettings settings) throws Exception {
        return http
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers("/actuator/health", "/actuator/health/**", "/login", "/error").permitAll()
                        .anyRequest().denyAll())
                .formLogin(Customizer.withDefaults())
                .logout(logout -> logout
                        .logoutRequestMatcher(PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.GET, "/logout"))
                        .logoutSuccessHandler((request, response, authentication) -> {
                            var back = request.getParameter("redirect_uri");
                            var allowed = back != null && settings.corsOrigins().stream().anyMatch(origin -> back.startsWith(origin + "/"));
                            response.sendRedirect(allowed ? back : "/login?logout");
                        }))
                .build();
    }

    /** The people who may sign in (the console's agents), with their roles as authorities. */
    @Bean
    UserDetailsService users(IssuerSettings settings) {
        var users = new InMemoryUserDetailsManager();
        settings.users().forEach((id, account) -> {
            if (account.password() == null || account.password().isBlank()) {
                throw new IllegalStateException("app.issuer.users." + id + ".password is empty");
            }
            users.createUser(User.withUsername(id).password("{noop}" + account.password())
                    .roles(account.roles().toArray(String[]::new)).build());
        });
        return users;
    }

    /** The browser origins that call the token endpoint (the support console exchanging its code). */
    @Bean
    CorsConfigurationSource corsConfigurationSource(IssuerSettings settings) {
        var cors = new CorsConfiguration();
        cors.setAllowedOrigins(settings.corsOrigins());
        cors.setAllowedMethods(List.of("GET", "POST", "OPTIONS"));
        cors.setAllowedHeaders(List.of("Content-Type", "Authorization"));
        cors.setMaxAge(3600L);
        var source = new UrlBasedCorsConfigurationSource();
        source.registerCorsConfiguration("/oauth2/**", cors);
        return source;
    }

    @Bean
    JWKSource<SecurityContext> jwkSource(IssuerSettings settings) {
        return new ImmutableJWKSet<>(new JWKSet(SigningKey.load(settings.keyPath())));
    }

    @Bean
    OAuth2TokenCustomizer<JwtEncodingContext> accessTokenClaims(IssuerSettings settings) {
        return new AccessTokenClaims(settings);
    }
}
