package market.resale.opstests;

import market.resale.testsupport.ProjectLayout;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's two commands on a fresh machine whose default {@code java} is older than 21: the wrapper finds a JDK
 * 21+ by itself ({@code .mvn/find-jdk}) or stops in seconds naming what to install, and {@code .mvn/preflight} names
 * each missing tool with the command that installs it before anything long runs. Machines are played with fake JDK
 * homes (a {@code release} file and executables) and a PATH holding only the shell's basics.
 */
class FreshMachineTest {

    static final Path ROOT = ProjectLayout.root();

    @TempDir
    Path machine;

    @Test
    void theNewestJdk21OrLaterIsTakenWhenJavaHomeAndThePathsJavaAreOlder() throws Exception {
        var jvm = Files.createDirectories(machine.resolve("jvm"));
        var old = fakeJdk(jvm.resolve("java-17-openjdk-amd64"), "17.0.15");
        fakeJdk(jvm.resolve("temurin-21-jdk-amd64"), "21.0.9");
        var newest = fakeJdk(jvm.resolve("temurin-25-jdk-amd64"), "25.0.3");
        fakeJdk(jvm.resolve("a-jre-only"), "26").resolve("bin/javac").toFile().delete();
        var bin = basics(old);

        var found = run(List.of(ROOT.resolve(".mvn/find-jdk").toString()),
                Map.of("PATH", bin.toString(), "JAVA_HOME", old.toString(), "FIND_JDK_PATHS", jvm.toString()));

        assertThat(found.exit()).as(found.err()).isZero();
        assertThat(found.out().strip()).isEqualTo(newest.toString());
    }

    @Test
    void aJavaHomeOf21OrLaterIsKept() throws Exception {
        var jvm = Files.createDirectories(machine.resolve("jvm"));
        var chosen = fakeJdk(machine.resolve("my-jdk-21"), "21.0.2");
        fakeJdk(jvm.resolve("temurin-25-jdk-amd64"), "25.0.3");

        var found = run(List.of(ROOT.resolve(".mvn/find-jdk").toString()),
                Map.of("PATH", basics(null).toString(), "JAVA_HOME", chosen.toString(), "FIND_JDK_PATHS", jvm.toString()));

        assertThat(found.out().strip()).isEqualTo(chosen.toString());
    }

    @Test
    void withoutAJdk21TheWrapperStopsAtOnceNamingWhatToInstall() throws Exception {
        var jvm = Files.createDirectories(machine.resolve("jvm"));
        var old = fakeJdk(jvm.resolve("java-17-openjdk-amd64"), "17.0.15");

        var wrapper = run(List.of(ROOT.resolve("mvnw").toString(), "verify"),
                Map.of("PATH", basics(old).toString(), "JAVA_HOME", old.toString(), "FIND_JDK_PATHS", jvm.toString()));

        assertThat(wrapper.exit()).isEqualTo(1);
        assertThat(wrapper.err())
                .contains("needs a JDK 21 or newer")
                .contains(old + " (Java 17)")
                .contains("apt-get install openjdk-21-jdk-headless")
                .contains("adoptium.net");
    }

    @Test
    void theWrapperRunsMavenOnTheJdkItFound() throws Exception {
        var jvm = Files.createDirectories(machine.resolve("jvm"));
        var old = fakeJdk(jvm.resolve("java-17-openjdk-amd64"), "17.0.15");
        var real = Path.of(System.getProperty("java.home"));
        Files.createSymbolicLink(jvm.resolve("the-real-one"), real);
        var path = basics(old) + ":/usr/bin:/bin"; // the wrapper's own needs (its Maven is in ~/.m2/wrapper)

        var wrapper = run(List.of(ROOT.resolve("mvnw").toString(), "-v"),
                Map.of("PATH", path, "JAVA_HOME", old.toString(), "FIND_JDK_PATHS", jvm.toString()));

        assertThat(wrapper.exit()).as(wrapper.err()).isZero();
        assertThat(wrapper.out()).contains("Java version: " + Runtime.version().feature());
    }

    @Test
    void everyMissingToolIsNamedWithTheCommandThatInstallsIt() throws Exception {
        var bin = basics(null);
        // A kubectl too old for kustomize 5 (Debian 12's kubernetes-client is 1.20).
        script(bin.resolve("kubectl"), "echo '{\"clientVersion\": {\"gitVersion\": \"v1.20.2\"}}'");

        var preflight = run(List.of(ROOT.resolve(".mvn/preflight").toString(), "wrk", "kubectl", "node", "curl"),
                Map.of("PATH", bin.toString(), "PREFLIGHT_INSTALL", "0"));

        assertThat(preflight.exit()).isEqualTo(1);
        assertThat(preflight.err())
                .contains("wrk: not found", "sudo apt-get install wrk")
                .contains("kubectl: kubectl 1.20.2 is older than 1.27", "dl.k8s.io")
                .contains("node: node and npm not found", "sudo apt-get install nodejs npm")
                .contains("curl: not found", "sudo apt-get install curl")
                .contains("4 tool(s) missing");
    }

    @Test
    void whatAptGetCanBringIsInstalledAsRoot() throws Exception {
        var bin = basics(null);
        Files.delete(bin.resolve("id"));
        script(bin.resolve("id"), "echo 0"); // root
        // apt-get as the package manager: it "installs" a package by putting its command on the PATH.
        var log = machine.resolve("apt.log");
        script(bin.resolve("apt-get"), "echo \"$@\" >> " + log + "\n"
                + "for p in \"$@\"; do case \"$p\" in wrk|curl) printf '#!/bin/sh\\necho %s\\n' \"$p\" > " + bin + "/\"$p\"; "
                + "chmod +x " + bin + "/\"$p\";; esac; done");

        var preflight = run(List.of(ROOT.resolve(".mvn/preflight").toString(), "wrk", "curl"), Map.of("PATH", bin.toString()));

        assertThat(preflight.exit()).as(preflight.out() + preflight.err()).isZero();
        assertThat(preflight.out()).contains("[preflight] installing wrk curl (apt-get)");
        assertThat(Files.readString(log)).contains("install -y -q wrk curl");
        assertThat(bin.resolve("wrk")).isExecutable();
    }

    @Test
    void toolsThatArePresentPass() throws Exception {
        var bin = basics(null);
        script(bin.resolve("wrk"), "echo wrk 4.1.0");
        script(bin.resolve("kubectl"), "echo '{\"clientVersion\": {\"gitVersion\": \"v1.32.4\"}}'");
        script(bin.resolve("node"), "echo v20.20.2");
        script(bin.resolve("npm"), "echo 11.0.0");

        var preflight = run(List.of(ROOT.resolve(".mvn/preflight").toString(), "wrk", "kubectl", "node"),
                Map.of("PATH", bin.toString(), "PREFLIGHT_INSTALL", "0"));

        assertThat(preflight.exit()).as(preflight.err()).isZero();
    }

    /** A JDK home as the scripts see it: {@code release} with its version, executable {@code java} and {@code javac}. */
    private static Path fakeJdk(Path home, String version) throws IOException {
        Files.createDirectories(home.resolve("bin"));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + version + "\"\n");
        script(home.resolve("bin/java"), "echo 'openjdk version \"" + version + "\"' >&2");
        script(home.resolve("bin/javac"), "echo javac " + version);
        return home;
    }

    /** A PATH directory with the shell's basics only (and the given JDK's java, as a default java would be). */
    private Path basics(Path defaultJdk) throws IOException {
        var bin = Files.createDirectories(machine.resolve("bin"));
        for (var tool : List.of("bash", "sh", "sed", "sort", "head", "id", "grep", "env", "dirname", "readlink", "uname",
                "cat", "printf", "tr", "chmod")) {
            var target = Path.of("/usr/bin", tool);
            if (!Files.exists(target)) {
                target = Path.of("/bin", tool);
            }
            if (Files.exists(target) && !Files.exists(bin.resolve(tool))) {
                Files.createSymbolicLink(bin.resolve(tool), target);
            }
        }
        if (defaultJdk != null && !Files.exists(bin.resolve("java"))) {
            Files.createSymbolicLink(bin.resolve("java"), defaultJdk.resolve("bin/java"));
        }
        return bin;
    }

    private static void script(Path file, String body) throws IOException {
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    record Run(int exit, String out, String err) {
    }

    /** Runs a command with exactly this environment (plus HOME); it must end within seconds. */
    private Run run(List<String> command, Map<String, String> env) throws Exception {
        var builder = new ProcessBuilder(command).directory(ROOT.toFile());
        builder.environment().clear();
        builder.environment().put("HOME", System.getProperty("user.home"));
        builder.environment().putAll(env);
        var out = machine.resolve("out.txt");
        var err = machine.resolve("err.txt");
        var process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        var ended = process.waitFor(Duration.ofSeconds(60).toSeconds(), TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly();
        }
        assertThat(ended).as("%s ended", command).isTrue();
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }
}
