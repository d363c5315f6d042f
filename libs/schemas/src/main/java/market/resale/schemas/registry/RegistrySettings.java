package market.resale.schemas.registry;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How to reach the registry. The keys are those of Confluent's clients, so that the same properties
 * configure an upstream app's {@code KafkaAvroSerializer} and ours.
 *
 * @param url base URL of the Confluent-compatible API, for Apicurio {@code http://host:port/apis/ccompat/v7};
 *            {@code mock://scope} selects an in-memory registry for unit tests
 * @param basicAuthUserInfo {@code user:password} for HTTP basic auth, or null
 * @param bearerToken a bearer token, or null
 * @param autoRegister whether a writer registers its schema on first use ({@code auto.register.schemas}, default true);
 *                     false where registration is a deploy step ({@code ops-tools register-schemas}): a schema not
 *                     registered then fails the write (and a service's start) instead of being registered
 */
public record RegistrySettings(String url, String basicAuthUserInfo, String bearerToken,
                               Duration connectTimeout, Duration requestTimeout, int cacheCapacity, boolean autoRegister) {

    public static final String URL = "schema.registry.url";
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    public static final String BEARER_AUTH_TOKEN = "bearer.auth.token";
    public static final String CONNECT_TIMEOUT_MS = "schema.registry.connect.timeout.ms";
    public static final String REQUEST_TIMEOUT_MS = "schema.registry.request.timeout.ms";
    public static final String CACHE_CAPACITY = "schema.registry.cache.capacity";
    public static final String AUTO_REGISTER = "auto.register.schemas";

    public RegistrySettings {
        Objects.requireNonNull(url, URL + " is required");
        if (url.isBlank()) {
            throw new IllegalArgumentException(URL + " is required");
        }
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(5) : connectTimeout;
        requestTimeout = requestTimeout == null ? Duration.ofSeconds(10) : requestTimeout;
        cacheCapacity = cacheCapacity <= 0 ? 1000 : cacheCapacity;
    }

    public static RegistrySettings of(String url) {
        return new RegistrySettings(url, null, null, null, null, 0, true);
    }

    public static RegistrySettings from(Map<String, ?> configs) {
        Object url = configs.get(URL);
        if (url == null) {
            throw new IllegalArgumentException(URL + " is required");
        }
        return new RegistrySettings(url.toString(),
                string(configs.get(BASIC_AUTH_USER_INFO)),
                string(configs.get(BEARER_AUTH_TOKEN)),
                millis(configs.get(CONNECT_TIMEOUT_MS)),
                millis(configs.get(REQUEST_TIMEOUT_MS)),
                configs.get(CACHE_CAPACITY) == null ? 0 : Integer.parseInt(configs.get(CACHE_CAPACITY).toString()),
                configs.get(AUTO_REGISTER) == null || Boolean.parseBoolean(configs.get(AUTO_REGISTER).toString()));
    }

    public Map<String, Object> asConfig() {
        var map = new java.util.HashMap<String, Object>();
        map.put(URL, url);
        if (basicAuthUserInfo != null) map.put(BASIC_AUTH_USER_INFO, basicAuthUserInfo);
        if (bearerToken != null) map.put(BEARER_AUTH_TOKEN, bearerToken);
        map.put(CONNECT_TIMEOUT_MS, connectTimeout.toMillis());
        map.put(REQUEST_TIMEOUT_MS, requestTimeout.toMillis());
        map.put(CACHE_CAPACITY, cacheCapacity);
        map.put(AUTO_REGISTER, autoRegister);
        return map;
    }

    /** The same registry, with writers that only look their schemas up (registration is a deploy step). */
    public RegistrySettings withoutAutoRegistration() {
        return new RegistrySettings(url, basicAuthUserInfo, bearerToken, connectTimeout, requestTimeout, cacheCapacity, false);
    }

    private static String string(Object value) {
        return value == null || value.toString().isBlank() ? null : value.toString();
    }

    private static Duration millis(Object value) {
        return value == null ? null : Duration.ofMillis(Long.parseLong(value.toString()));
    }
}
