package market.resale.platform.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HealthProbeTest {

    private HttpServer server;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/up", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.createContext("/down", exchange -> {
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    @Test
    void healthyOnlyWhenTheEndpointAnswers200() {
        assertThat(HealthProbe.check(url("/up"))).isTrue();
        assertThat(HealthProbe.check(url("/down"))).isFalse();
    }

    @Test
    void unhealthyWhenNothingListens() {
        var port = server.getAddress().getPort();
        server.stop(0);
        assertThat(HealthProbe.check(URI.create("http://127.0.0.1:" + port + "/up"))).isFalse();
    }
}
