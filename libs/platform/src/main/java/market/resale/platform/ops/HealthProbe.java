package market.resale.platform.ops;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A container health check that needs nothing but the JVM already in the image (the images carry no
 * shell, curl or wget): exits 0 when the URL answers 200 within two seconds, 1 otherwise. Used by
 * docker-compose as {@code java -Xmx16m -cp @/app/jib-classpath-file market.resale.platform.ops.HealthProbe <url>}.
 */
public final class HealthProbe {

    private HealthProbe() {
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: HealthProbe <url>");
            System.exit(2);
        }
        System.exit(check(URI.create(args[0])) ? 0 : 1);
    }

    static boolean check(URI url) {
        try (var client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            var response = client.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (java.io.IOException e) {
            System.err.println(url + ": " + e);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
