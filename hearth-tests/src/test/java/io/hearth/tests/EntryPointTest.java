package io.hearth.tests;

import static io.hearth.tests.ControlPlaneFixture.BUCKET;
import static io.hearth.tests.ControlPlaneFixture.ROLE;
import static io.hearth.tests.ControlPlaneFixture.assertFieldValidation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.hearth.testing.Agents;
import io.hearth.testing.HearthExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.AgentRuntimeStatus;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.CreateAgentRuntimeRequest;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.NetworkMode;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.ValidationException;

/**
 * Every entry point resolves inside the artifact: absolute paths and {@code ..} segments are refused by Create and
 * Update before anything runs, and a symlink in the artifact that leaves it fails the version, never runs a host file.
 */
class EntryPointTest {
    static final String FIELD = "agentRuntimeArtifact.codeConfiguration.entryPoint";

    @RegisterExtension
    static final HearthExtension HEARTH = new HearthExtension();

    static ControlPlaneFixture fx;

    @BeforeAll
    static void stage() throws IOException {
        fx = new ControlPlaneFixture(HEARTH);
        fx.stage("examples/python-counter", "counter");
        Path bucket = Agents.artifacts(HEARTH.dataDir()).resolve(BUCKET);
        Agents.copyTree(HearthExtension.repoRoot().resolve("examples/python-counter"), bucket.resolve("linked-main.py"));
        Files.createSymbolicLink(bucket.resolve("linked-main.py/main.py"), Path.of("/etc/passwd"));
        Agents.copyTree(HearthExtension.repoRoot().resolve("examples/python-counter"), bucket.resolve("linked-up.py"));
        Files.createSymbolicLink(bucket.resolve("linked-up.py/up.py"), Path.of("../../../../../../../../etc/passwd"));
    }

    @Test
    void absoluteEntryPointIsRefusedAtCreate() {
        assertRefused(List.of("/etc/passwd"));
        assertRefused(List.of("/usr/bin/python3", "agent.py"));
        assertRefused(List.of("agent.py", "/etc/passwd"));
    }

    @Test
    void dotDotEntryPointIsRefusedAtCreate() {
        assertRefused(List.of("../../../../etc/passwd"));
        assertRefused(List.of("sub/../../agent.py"));
        assertRefused(List.of("opentelemetry-instrument", "../agent.py"));
    }

    @Test
    void escapingEntryPointIsRefusedAtUpdate() {
        var runtime = fx.createReady(ControlPlaneFixture.counter(ControlPlaneFixture.uniqueName("entry_update"), "counter"));
        Throwable thrown = catchThrowable(() -> fx.control.updateAgentRuntime(r -> r.agentRuntimeId(runtime.id())
                .agentRuntimeArtifact(a -> a.codeConfiguration(c -> c
                        .code(code -> code.s3(s3 -> s3.bucket(BUCKET).prefix("counter")))
                        .runtime("PYTHON_3_12")
                        .entryPoint("../../../../etc/passwd")))
                .roleArn(ROLE)
                .networkConfiguration(n -> n.networkMode(NetworkMode.PUBLIC))));
        assertNamesEntryPoint(thrown);
    }

    @Test
    void symlinkLeavingTheArtifactFailsTheVersion() {
        for (String entry : List.of("main.py", "up.py")) {
            var created = fx.control.createAgentRuntime(request("linked-" + entry, List.of(entry)));
            var settled = fx.awaitSettled(created.agentRuntimeId());
            // The artifact's copy refuses the link before the entry point is even looked at.
            assertThat(settled.status()).isEqualTo(AgentRuntimeStatus.CREATE_FAILED);
            assertThat(settled.failureReason()).contains(entry).contains("outside the artifact");
        }
    }

    private static void assertRefused(List<String> entryPoint) {
        Throwable thrown = catchThrowable(() -> fx.control.createAgentRuntime(request("counter", entryPoint)));
        assertThat(thrown).as("entryPoint %s", entryPoint).isNotNull();
        assertNamesEntryPoint(thrown);
    }

    private static Consumer<CreateAgentRuntimeRequest.Builder> request(String prefix, List<String> entryPoint) {
        return r -> r.agentRuntimeName(ControlPlaneFixture.uniqueName("entry"))
                .agentRuntimeArtifact(a -> a.codeConfiguration(c -> c
                        .code(code -> code.s3(s3 -> s3.bucket(BUCKET).prefix(prefix)))
                        .runtime("PYTHON_3_12")
                        .entryPoint(entryPoint)))
                .roleArn(ROLE)
                .networkConfiguration(n -> n.networkMode(NetworkMode.PUBLIC));
    }

    private static void assertNamesEntryPoint(Throwable thrown) {
        assertFieldValidation(thrown, "entryPoint");
        assertThat(((ValidationException) thrown).fieldList()).anySatisfy(f -> assertThat(f.name()).isEqualTo(FIELD));
    }
}
