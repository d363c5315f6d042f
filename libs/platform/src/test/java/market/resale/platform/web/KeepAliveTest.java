package market.resale.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServer;

/**
 * The services' web server (Reactor Netty, under WebFlux) keeps reading a kept-alive connection after
 * a request it had to buffer. Reactor Netty 1.3.6, Boot 4.0.7's, did not always (reactor-netty#4361):
 * a request that arrived while the previous exchange was still terminating was buffered; when it was
 * answered at once, the buffer drained without a read being asked for, and the next request on the
 * connection sat unread in the socket. The demo's and HttpFuzzTest's requests that "timed out" were
 * that (the server's socket held the request's bytes unread, its event loops idle). The build pins
 * 1.3.8, which fixes it; on 1.3.6 this test fails at the first round.
 */
class KeepAliveTest {

    private static final Duration SLOW_ANSWER = Duration.ofMillis(20);
    /** Far above any answer's time here; only a request the server never reads runs into it. */
    private static final Duration NO_ANSWER = Duration.ofSeconds(10);

    /** Two requests sent together, the first answered late and the second at once, then a third on the same connection. */
    @Test
    void aRequestAfterABufferedOneAnsweredAtOnceIsRead() throws IOException {
        var server = HttpServer.create().host("127.0.0.1").port(0)
                .handle((request, response) -> response.sendString(request.uri().startsWith("/slow")
                        ? Mono.delay(SLOW_ANSWER).thenReturn("ok") : Mono.just("ok")))
                .bindNow();
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout((int) NO_ANSWER.toMillis());
            var out = socket.getOutputStream();
            var in = socket.getInputStream();
            for (int round = 1; round <= 20; round++) {
                send(out, "GET /slow HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /now HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                assertThat(readResponse(in)).startsWith("HTTP/1.1 200").endsWith("ok");
                assertThat(readResponse(in)).startsWith("HTTP/1.1 200").endsWith("ok");
                send(out, "POST /next HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\n{}");
                try {
                    assertThat(readResponse(in)).startsWith("HTTP/1.1 200").endsWith("ok");
                } catch (SocketTimeoutException e) {
                    throw new AssertionError("the request after buffered pair " + round + " got no answer", e);
                }
            }
        } finally {
            server.disposeNow();
        }
    }

    private static void send(OutputStream out, String requests) throws IOException {
        out.write(requests.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** One whole response: its head, then exactly the body its Content-Length announces. */
    private static String readResponse(InputStream in) throws IOException {
        var head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed by the server");
            }
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        var headText = head.toString(StandardCharsets.US_ASCII);
        int length = 0;
        for (var line : headText.split("\r\n")) {
            if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        return headText + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
