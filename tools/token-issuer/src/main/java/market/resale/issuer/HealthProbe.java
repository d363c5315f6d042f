package market.resale.issuer;

import java.net.HttpURLConnection;
import java.net.URI;

/**
 * The container's health check, with nothing but the image's JVM (no shell, curl or wget in it): exits 0
 * when the URL answers 200 within two seconds. docker-compose runs
 * {@code java -cp @/app/jib-classpath-file market.resale.issuer.HealthProbe <url>}.
 */
public final class HealthProbe {

    private HealthProbe() {
    }

    public static void main(String[] args) throws Exception {
        var connection = (HttpURLConnection) URI.create(args[0]).toURL().openConnection();
        connection.setConnectTimeout(2000);
        connection.setReadTimeout(2000);
        try {
            System.exit(connection.getResponseCode() == 200 ? 0 : 1);
        } catch (java.io.IOException e) {
            System.err.println(args[0] + ": " + e);
            System.exit(1);
        }
    }
}
