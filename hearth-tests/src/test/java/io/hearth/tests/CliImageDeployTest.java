package io.hearth.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.hearth.control.ArtifactSettings;
import io.hearth.image.RegistryFixture;
import io.hearth.image.RegistrySettings;
import io.hearth.testing.HearthExtension;
import io.hearth.testing.Invoker;
import io.hearth.testing.Signed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code hearth deploy --image} in its own JVM against a real server and a real registry holding an image the test
 * pushed: the runtime is created, then updated, the pull's progress shows on stderr, a failed pull ends in one line.
 */
class CliImageDeployTest {
    static final Path REGISTRY_DIR = temporaryDirectory();
    static final RegistryFixture REGISTRY = RegistryFixture.start(REGISTRY_DIR, Optional.empty());
    /** Holds the pull in its first phase until the registry request timeout, so its progress is there to see. */
    static final SilentServer SILENT = SilentServer.start();

    @RegisterExtension
    static final HearthExtension HEARTH = new HearthExtension(c -> c.withArtifacts(ArtifactSettings.DEFAULT
            .withRegistries(RegistrySettings.defaults().withInsecure(REGISTRY.host()).withInsecure(SILENT.host())
                    .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(2)))));

    @BeforeAll
    static void pushImages() {
        assumeFalse(HearthExtension.isolation().equals("process"), "container images need an isolating driver");
        PythonImage.assumeAvailable();
        var layers = PythonImage.layers();
        REGISTRY.push("agents/counter", "1", "amd64", config("hello from the image"), layers);
        REGISTRY.push("agents/counter", "2", "amd64", config("hello from version 2"), layers);
    }

    /** The counter agent as {@link PythonImage} lays it out, greeting as told. */
    static Map<String, Object> config(String greeting) {
        return Map.of(
                "Entrypoint", List.of("python3", "/app/whoami.py"),
                "Env", List.of("PATH=/usr/local/bin:/usr/bin:/bin", "GREETING=" + greeting),
                "WorkingDir", "/app",
                "User", "agent");
    }

    @AfterAll
    static void stopRegistries() {
        REGISTRY.close();
        SILENT.close();
        HearthExtension.deleteTree(REGISTRY_DIR);
    }

    @Test
    void deployImageCreatesThenUpdatesTheRuntimeAndWaitsUntilReady() throws Exception {
        var first = deploy("--image", REGISTRY.host() + "/agents/counter:1", "--name", "cli_image");
        assertThat(first.exit()).as(first.all()).isZero();
        assertThat(first.err()).contains("Creating cli_image-").contains("READY:").contains("(version 1)");
        String arn = readyArn(first.err());
        assertThat(first.out().strip()).as("stdout: the ARN alone").isEqualTo(arn);
        assertThat(greeting(arn)).isEqualTo("hello from the image");

        var second = deploy("--image", REGISTRY.host() + "/agents/counter:2", "--name", "cli_image");
        assertThat(second.exit()).as(second.all()).isZero();
        assertThat(second.err()).contains("Updating cli_image-").contains("(version 2)");
        assertThat(readyArn(second.err())).isEqualTo(arn);
        assertThat(greeting(arn)).isEqualTo("hello from version 2");
    }

    @Test
    void deployImageShowsThePullProgressThenAFailureInOneLine() throws Exception {
        String uri = SILENT.host() + "/agents/counter:1";
        var result = deploy("--image", uri, "--name", "cli_image_silent");
        assertThat(result.exit()).as(result.all()).isEqualTo(1);
        assertThat(result.err().lines().toList()).as("progress on stderr while CREATING")
                .contains("pulling: resolving the manifest");
        assertThat(result.out()).doesNotContain("pulling:");
        String last = result.err().lines().toList().getLast();
        assertThat(last).startsWith("hearth: cli_image_silent-").contains(" CREATE_FAILED: cannot pull image " + uri)
                .contains("no answer");
        assertThat(result.all()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void deployImageWithADirectoryOrEntryIsRefusedInOneLine() throws Exception {
        var result = deploy(HearthExtension.repoRoot().resolve("examples/python-counter").toString(),
                "--image", REGISTRY.host() + "/agents/counter:1", "--name", "cli_image_both");
        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.err().strip()).startsWith("hearth: --image " + REGISTRY.host() + "/agents/counter:1 with DIR ")
                .contains("(expected: either --image URI, or DIR with --entry").doesNotContain("\n");

        var nothing = deploy("--name", "cli_image_nothing");
        assertThat(nothing.exit()).isEqualTo(1);
        assertThat(nothing.err().strip()).isEqualTo("hearth: nothing to deploy (expected: DIR with --entry, or --image URI)");
    }

    private static String readyArn(String err) {
        return err.lines().filter(l -> l.startsWith("READY: ")).findFirst().orElseThrow()
                .substring("READY: ".length()).split(" ")[0];
    }

    private static String greeting(String arn) {
        var answer = HEARTH.clients().data().invokeAgentRuntimeAsBytes(r -> r.agentRuntimeArn(arn)
                .runtimeSessionId(Invoker.newSessionId())
                .payload(software.amazon.awssdk.core.SdkBytes.fromUtf8String("{\"env\":\"GREETING\"}")));
        return io.hearth.api.Json.tree(answer.asByteArray()).path("value").asString();
    }

    private record Result(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    private static Result deploy(String... args) throws Exception {
        var command = new ArrayList<String>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + HearthExtension.repoRoot().resolve("hearth-cli/src/main/jvm/hearth.jvmopts"),
                "-Dhearth.home=" + HearthExtension.repoRoot(), "-cp", System.getProperty("java.class.path"),
                "io.hearth.cli.Main", "deploy"));
        command.addAll(List.of(args));
        Path err = Files.createTempFile("hearth-cli-err-", ".txt");
        try {
            var builder = new ProcessBuilder(command).redirectError(err.toFile());
            builder.environment().putAll(Signed.serverEnvironment()); // the CLI signs with the server's root key
            builder.environment().put("HEARTH_ENDPOINT", HEARTH.endpoint().toString());
            Process process = builder.start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
            return new Result(process.exitValue(), out, Files.readString(err));
        } finally {
            Files.deleteIfExists(err);
        }
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("hearth-cli-registry-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
