package market.resale.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ApicurioRegistryTest {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void startsAnswersWithBackwardCompatibilityAndStops() throws Exception {
        ApicurioRegistry registry = ApicurioRegistry.start();
        try {
            assertThat(registry.ccompatUrl()).startsWith("http://127.0.0.1:").endsWith("/apis/ccompat/v7");

            assertThat(get(registry.ccompatUrl() + "/subjects").body()).isEqualTo("[]");
            assertThat(get(registry.ccompatUrl() + "/config").body()).contains("\"compatibilityLevel\":\"BACKWARD\"");
            HttpResponse<String> info = get(registry.nativeUrl() + "/system/info");
            assertThat(info.statusCode()).isEqualTo(200);
            assertThat(info.body()).contains("Apicurio Registry");
        } finally {
            registry.close();
        }

        assertThat(registry.isRunning()).isFalse();
        assertThatThrownBy(() -> get(registry.ccompatUrl() + "/subjects")).isInstanceOf(ConnectException.class);
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
