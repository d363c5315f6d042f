package market.resale.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where things live in this repository: the one place in Java that knows the tree (README "The tree").
 * Deployable services under {@code services/}, shared libraries under {@code libs/}, suites that run the whole
 * system under {@code tests/}, tools under {@code tools/}, deployment under {@code deploy/}.
 */
public final class ProjectLayout {

    /** The build sets it to the repository's root for every test (root pom, surefire and failsafe). */
    public static final String ROOT_PROPERTY = "project.root";

    public static final String SERVICES = "services";
    public static final String SCHEMAS = "libs/schemas";
    public static final String LOCAL_STACK = "tools/local-stack";
    public static final String TOKEN_ISSUER = "tools/token-issuer";
    public static final String DEPLOY = "deploy";
    public static final String K8S = DEPLOY + "/k8s";
    public static final String OPS = DEPLOY + "/ops";
    public static final String DOCS = "docs";

    private ProjectLayout() {
    }

    /** The repository's root: the build's {@value #ROOT_PROPERTY}, or upwards from here to the directory with {@code mvnw} (an IDE run). */
    public static Path root() {
        var configured = System.getProperty(ROOT_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve(SERVICES))) {
                return dir;
            }
        }
        throw new IllegalStateException("Not inside the repository and no -D" + ROOT_PROPERTY + " given");
    }

    /** A deployable service's module, e.g. {@code services/orders-service}. */
    public static Path service(Path root, String service) {
        return root.resolve(SERVICES).resolve(service);
    }

    /** A service's runnable jar, as {@code ./mvnw package} leaves it. */
    public static Path serviceJar(Path root, String service, String version) {
        return service(root, service).resolve("target").resolve(service + "-" + version + "-exec.jar");
    }

    /** The token issuer's runnable jar. */
    public static Path tokenIssuerJar(Path root, String version) {
        return root.resolve(TOKEN_ISSUER).resolve("target").resolve("token-issuer-" + version + "-exec.jar");
    }

    /** Apache Kafka's broker jars, as local-stack unpacks them. */
    public static Path kafkaLibs(Path root) {
        return root.resolve(LOCAL_STACK).resolve("target/kafka-libs");
    }

    /** The Apicurio Registry distribution, as local-stack unpacks it. */
    public static Path apicurioHome(Path root) {
        return root.resolve(LOCAL_STACK).resolve("target/apicurio");
    }
}
