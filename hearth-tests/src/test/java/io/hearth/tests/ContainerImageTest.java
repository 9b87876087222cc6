package io.hearth.tests;

import static io.hearth.tests.ControlPlaneFixture.ROLE;
import static io.hearth.tests.ControlPlaneFixture.assertFieldValidation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.hearth.api.Json;
import io.hearth.control.ArtifactSettings;
import io.hearth.image.EcrMapping;
import io.hearth.image.RegistryCredentials;
import io.hearth.image.RegistryFixture;
import io.hearth.image.RegistryFixture.Layer;
import io.hearth.image.RegistrySettings;
import io.hearth.testing.HearthExtension;
import io.hearth.testing.Clients;
import io.hearth.testing.Invoker;
import io.hearth.testing.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.AgentRuntimeStatus;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.CreateAgentRuntimeRequest;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.GetAgentRuntimeResponse;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.NetworkMode;
import tools.jackson.databind.JsonNode;

/**
 * {@code containerConfiguration} end to end: real registries started by the test, a Python agent image built from
 * the host's interpreter and pushed to them, runtimes created with the control client, the image's agent invoked
 * with the data client in a real sandbox.
 */
class ContainerImageTest {
    static final String ECR = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
    static final String PULLER = "puller:s3cret-pull";
    /** Ids the image's passwd and group do not name: a number is taken as it is. */
    static final String NUMERIC_USER = "4321:5432";
    static final Path REGISTRIES = temporaryDirectory();
    static final RegistryFixture OPEN = start("open", Optional.empty());
    static final RegistryFixture LOCKED = start("locked", Optional.of(PULLER));
    static final RegistryFixture LOCKED_NO_CREDENTIALS = start("locked-unknown", Optional.of("someone:else"));
    /** Accepts connections and never answers: a pull from it stays in its first phase until the request timeout. */
    static final SilentServer SILENT = SilentServer.start();

    @RegisterExtension
    static final HearthExtension HEARTH = new HearthExtension(c -> c.withArtifacts(ArtifactSettings.DEFAULT
            .withRegistries(RegistrySettings.defaults()
                    .withInsecure(OPEN.host()).withInsecure(LOCKED.host()).withInsecure(LOCKED_NO_CREDENTIALS.host())
                    .withInsecure(SILENT.host())
                    .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(3))
                    .withCredentials(LOCKED.host(), new RegistryCredentials.Basic("puller", "s3cret-pull"))
                    .withEcr(new EcrMapping(OPEN.host(), "")))));

    static ControlPlaneFixture fx;

    @BeforeAll
    static void pushImages() {
        assumeFalse(HearthExtension.isolation().equals("process"), "container images need an isolating driver");
        PythonImage.assumeAvailable();
        fx = new ControlPlaneFixture(HEARTH);
        List<Layer> layers = PythonImage.layers();
        Map<String, Object> config = counterConfig();
        OPEN.push("agents/counter", "1", "amd64", config, layers);
        LOCKED.push("agents/counter", "1", "amd64", config, layers);
        LOCKED_NO_CREDENTIALS.push("agents/counter", "1", "amd64", config, layers);
        OPEN.pushIndex("agents/arm-only", "1", "arm64", config, layers);
        OPEN.push("agents/counter", "numeric-user", "amd64", withUser(NUMERIC_USER), layers);
        OPEN.push("agents/counter", "named-group", "amd64", withUser("agent:root"), layers);
    }

    @AfterAll
    static void stopRegistries() {
        OPEN.close();
        LOCKED.close();
        LOCKED_NO_CREDENTIALS.close();
        SILENT.close();
        HearthExtension.deleteTree(REGISTRIES);
    }

    static Map<String, Object> withUser(String user) {
        var config = new java.util.HashMap<>(counterConfig());
        config.put("User", user);
        return config;
    }

    static Map<String, Object> counterConfig() {
        return Map.of(
                "Entrypoint", List.of("python3", "/app/whoami.py"),
                "Env", List.of("PATH=/usr/local/bin:/usr/bin:/bin", "GREETING=hello from the image"),
                "WorkingDir", "/app",
                "User", "agent",
                "ExposedPorts", Map.of("8080/tcp", Map.of()));
    }

    @Test
    void imageRunsAsItsConfigSaysAndKeepsItsSession() {
        var runtime = fx.createReady(image(OPEN.host() + "/agents/counter:1"));
        String session = Invoker.newSessionId();
        assertThat(invoke(runtime.arn(), session, "{}").path("count").asInt()).isEqualTo(1);
        assertThat(invoke(runtime.arn(), session, "{}").path("count").asInt()).as("the same session, the same agent")
                .isEqualTo(2);
        assertThat(env(runtime.arn(), session, "GREETING")).isEqualTo("hello from the image");
        assertThat(env(runtime.arn(), session, "IMAGE_UID")).as("the image's USER").isEqualTo(Integer.toString(PythonImage.UID));
        assertThat(env(runtime.arn(), session, "IMAGE_GID")).isEqualTo(Integer.toString(PythonImage.GID));
        assertThat(env(runtime.arn(), session, "IMAGE_CWD")).as("the image's WORKDIR").isEqualTo("/app");
        assertThat(env(runtime.arn(), session, "HOME")).as("from the image's passwd").isEqualTo("/home/agent");

        var got = fx.control.getAgentRuntime(g -> g.agentRuntimeId(runtime.id()));
        assertThat(got.agentRuntimeArtifact().containerConfiguration().containerUri())
                .isEqualTo(OPEN.host() + "/agents/counter:1");
    }

    @Test
    void runtimeEnvironmentVariablesOverrideTheImageEnv() {
        var runtime = fx.createReady(image(OPEN.host() + "/agents/counter:1")
                .andThen(r -> r.environmentVariables(Map.of("GREETING", "hello from the runtime", "EXTRA", "added"))));
        String session = Invoker.newSessionId();
        assertThat(env(runtime.arn(), session, "GREETING")).isEqualTo("hello from the runtime");
        assertThat(env(runtime.arn(), session, "EXTRA")).isEqualTo("added");
        assertThat(env(runtime.arn(), session, "PATH")).as("the image's, not overridden").isEqualTo("/usr/local/bin:/usr/bin:/bin");
    }

    @Test
    void userAsUidColonGidRunsAsThoseNumbers() {
        var runtime = fx.createReady(image(OPEN.host() + "/agents/counter:numeric-user"));
        String session = Invoker.newSessionId();
        assertThat(env(runtime.arn(), session, "IMAGE_UID")).isEqualTo("4321");
        assertThat(env(runtime.arn(), session, "IMAGE_GID")).isEqualTo("5432");
    }

    @Test
    void userAsNameColonGroupResolvesBothInTheImage() {
        var runtime = fx.createReady(image(OPEN.host() + "/agents/counter:named-group"));
        String session = Invoker.newSessionId();
        assertThat(env(runtime.arn(), session, "IMAGE_UID")).as("agent in the image's passwd")
                .isEqualTo(Integer.toString(PythonImage.UID));
        assertThat(env(runtime.arn(), session, "IMAGE_GID")).as("root in the image's group, not agent's primary group")
                .isEqualTo("0");
        assertThat(env(runtime.arn(), session, "HOME")).isEqualTo("/home/agent");
    }

    @Test
    void updateFromACodeArtifactToAnImageMakesAReadyVersionThatRunsTheImage() {
        String prefix = ControlPlaneFixture.uniqueName("code-then-image");
        fx.stage("examples/python-counter", prefix);
        var runtime = fx.createReady(ControlPlaneFixture.counter(ControlPlaneFixture.uniqueName("code_then_image"), prefix));
        assertThat(fx.env(runtime.arn(), null, "IMAGE_UID")).as("the code artifact's agent").isNull();

        String uri = OPEN.host() + "/agents/counter:1";
        var updated = fx.updateReady(r -> r.agentRuntimeId(runtime.id())
                .agentRuntimeArtifact(a -> a.containerConfiguration(c -> c.containerUri(uri)))
                .roleArn(ROLE)
                .networkConfiguration(n -> n.networkMode(NetworkMode.PUBLIC)));
        assertThat(updated.agentRuntimeVersion()).isEqualTo("2");

        var got = fx.control.getAgentRuntime(g -> g.agentRuntimeId(runtime.id()));
        assertThat(got.agentRuntimeArtifact().containerConfiguration().containerUri()).isEqualTo(uri);
        assertThat(got.agentRuntimeArtifact().codeConfiguration()).isNull();
        String session = Invoker.newSessionId();
        assertThat(env(runtime.arn(), session, "IMAGE_UID")).as("the image's agent")
                .isEqualTo(Integer.toString(PythonImage.UID));
        assertThat(env(runtime.arn(), session, "GREETING")).isEqualTo("hello from the image");
    }

    @Test
    void ecrNameIsPulledFromTheConfiguredRegistry() {
        var runtime = fx.createReady(image(ECR + "/agents/counter:1"));
        assertThat(invoke(runtime.arn(), Invoker.newSessionId(), "{}").path("count").asInt()).isEqualTo(1);
    }

    @Test
    void missingTagFailsNamingIt() {
        var settled = failed(image(OPEN.host() + "/agents/counter:no-such-tag"));
        assertThat(settled.failureReason()).contains(OPEN.host() + "/agents/counter:no-such-tag")
                .containsIgnoringCase("manifest unknown");
    }

    @Test
    void imageForAnotherPlatformFailsNamingWhatItHas() {
        var settled = failed(image(OPEN.host() + "/agents/arm-only:1"));
        assertThat(settled.failureReason()).contains("agents/arm-only:1").contains("linux/arm64");
    }

    @Test
    void registryThatNeedsCredentialsGetsTheConfiguredOnes() {
        var runtime = fx.createReady(image(LOCKED.host() + "/agents/counter:1"));
        assertThat(invoke(runtime.arn(), Invoker.newSessionId(), "{}").path("count").asInt()).isEqualTo(1);
    }

    @Test
    void registryThatNeedsCredentialsNoneConfiguredFails() {
        var settled = failed(image(LOCKED_NO_CREDENTIALS.host() + "/agents/counter:1"));
        assertThat(settled.failureReason()).contains(LOCKED_NO_CREDENTIALS.host()).contains("needs credentials");
    }

    @Test
    void pullProgressShowsWhileCreatingAndAFailureEndsIt() {
        String uri = SILENT.host() + "/agents/counter:1";
        var created = fx.control.createAgentRuntime(image(uri));
        var creating = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> fx.control.getAgentRuntime(g -> g.agentRuntimeId(created.agentRuntimeId())),
                        r -> r.failureReason() != null);
        assertThat(creating.status()).isEqualTo(AgentRuntimeStatus.CREATING);
        assertThat(creating.failureReason()).isEqualTo("pulling " + uri + ": resolving the manifest");

        var settled = fx.awaitSettled(created.agentRuntimeId());
        assertThat(settled.status()).isEqualTo(AgentRuntimeStatus.CREATE_FAILED);
        assertThat(settled.failureReason()).contains("cannot pull image " + uri).contains("no answer");
    }

    @Test
    void processIsolationFailsTheVersionSayingWhy() {
        var settled = failed(image(OPEN.host() + "/agents/counter:1")
                .andThen(r -> r.tags(Map.of("hearth:isolation", "process"))));
        assertThat(settled.failureReason()).contains(OPEN.host() + "/agents/counter:1")
                .contains("container images need --isolation namespaces or gvisor");
    }

    @Test
    void serverFlagsConfigureTheRegistries() throws Exception {
        Path data = Files.createTempDirectory("hearth-test-flags-");
        Path login = REGISTRIES.resolve("locked.login");
        Files.writeString(login, PULLER + "\n");
        try (var server = ServerProcess.start(data, List.of(),
                "--registry-insecure", OPEN.host(), "--registry-insecure", LOCKED.host(),
                "--registry-credentials", LOCKED.host() + "=" + login,
                "--registry-ecr", LOCKED.host(),
                "--registry-mirror", "registry.example.com=" + OPEN.host())) {
            var clients = Clients.of(server.endpoint());
            for (String uri : List.of(ECR + "/agents/counter:1", "registry.example.com/agents/counter:1")) {
                var created = clients.control().createAgentRuntime(image(uri));
                var settled = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                        .until(() -> clients.control().getAgentRuntime(g -> g.agentRuntimeId(created.agentRuntimeId())),
                                r -> r.status() != AgentRuntimeStatus.CREATING);
                assertThat(settled.status()).as("%s: %s", uri, settled.failureReason()).isEqualTo(AgentRuntimeStatus.READY);
                var answer = clients.data().invokeAgentRuntimeAsBytes(r -> r.agentRuntimeArn(created.agentRuntimeArn())
                        .runtimeSessionId(Invoker.newSessionId()).payload(SdkBytes.fromUtf8String("{}")));
                assertThat(Json.tree(answer.asByteArray()).path("count").asInt()).isEqualTo(1);
            }
        } finally {
            HearthExtension.deleteTree(data);
        }
    }

    @Test
    void malformedUriIsAValidationError() {
        for (String uri : List.of("counter", "python:3.13", OPEN.host() + "/Agents/UPPER:1", "", "x".repeat(1025))) {
            Throwable thrown = catchThrowable(() -> fx.control.createAgentRuntime(image(uri)));
            assertFieldValidation(thrown, "containerUri");
        }
    }

    @Test
    void deletingTheLastRuntimeOfAnImageRemovesIt() throws IOException {
        var layers = PythonImage.layers();
        layers = List.of(layers.get(0), layers.get(1), new Layer().file("app/only-here.txt", "removed with its runtime"));
        String digest = OPEN.push("agents/counter", "gc", "amd64", counterConfig(), layers);
        var runtime = fx.createReady(image(OPEN.host() + "/agents/counter:gc"));
        Path unpacked = HEARTH.dataDir().resolve("images/images/" + digest.replace(':', '-'));
        assertThat(unpacked.resolve("rootfs/app/only-here.txt")).exists();

        fx.control.deleteAgentRuntime(d -> d.agentRuntimeId(runtime.id()));
        fx.awaitGone(runtime.id());
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(unpacked));
    }

    private static java.util.function.Consumer<CreateAgentRuntimeRequest.Builder> image(String uri) {
        return r -> r.agentRuntimeName(ControlPlaneFixture.uniqueName("image"))
                .agentRuntimeArtifact(a -> a.containerConfiguration(c -> c.containerUri(uri)))
                .roleArn(ROLE)
                .networkConfiguration(n -> n.networkMode(NetworkMode.PUBLIC));
    }

    private static GetAgentRuntimeResponse failed(java.util.function.Consumer<CreateAgentRuntimeRequest.Builder> request) {
        var created = fx.control.createAgentRuntime(request);
        var settled = fx.awaitSettled(created.agentRuntimeId());
        assertThat(settled.status()).as("failureReason: %s", settled.failureReason())
                .isEqualTo(AgentRuntimeStatus.CREATE_FAILED);
        return settled;
    }

    private static JsonNode invoke(String arn, String session, String payload) {
        var response = fx.data.invokeAgentRuntimeAsBytes(r -> r.agentRuntimeArn(arn)
                .runtimeSessionId(session)
                .payload(SdkBytes.fromUtf8String(payload)));
        return Json.tree(response.asByteArray());
    }

    private static String env(String arn, String session, String variable) {
        JsonNode value = invoke(arn, session, "{\"env\":\"" + variable + "\"}").path("value");
        return value.isNull() || value.isMissingNode() ? null : value.asString();
    }

    private static RegistryFixture start(String name, Optional<String> user) {
        return RegistryFixture.start(REGISTRIES.resolve(name), user);
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("hearth-registries-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
