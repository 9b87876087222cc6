package io.hearth.tests;

import static io.hearth.tests.ControlPlaneFixture.BUCKET;
import static io.hearth.tests.ControlPlaneFixture.assertAwsError;
import static io.hearth.tests.ControlPlaneFixture.assertFieldValidation;
import static io.hearth.tests.ControlPlaneFixture.counter;
import static io.hearth.tests.ControlPlaneFixture.counterUpdate;
import static io.hearth.tests.ControlPlaneFixture.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.hearth.testing.Agents;
import io.hearth.testing.HearthExtension;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.AgentRuntime;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.AgentRuntimeArtifact;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.AgentRuntimeEndpoint;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.CreateAgentRuntimeEndpointRequest;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.CreateAgentRuntimeRequest;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.LifecycleConfiguration;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.ResourceNotFoundException;

/**
 * Server-side validation of control-plane requests (the SDK checks nothing itself, docs/wire-contract.md §1.4): every bad member
 * is a 400 ValidationException, reason FieldValidationFailed, whose fieldList names that member, and nothing is
 * created. This server keeps AgentCore's own lifecycle bounds, 60 to 28,800 seconds.
 */
class ControlPlaneValidationTest {
    @RegisterExtension
    static final HearthExtension hearth = new HearthExtension(config -> config
            .withLifecycleBounds(Duration.ofSeconds(60), Duration.ofSeconds(28_800)));

    static final String COUNTER = "counter";
    static ControlPlaneFixture fx;
    static Agents.Runtime host;

    @BeforeAll
    static void stage() {
        fx = new ControlPlaneFixture(hearth);
        fx.stage("examples/python-counter", COUNTER);
        host = fx.createReady(counter(uniqueName("host"), COUNTER));
    }

    private static Map<String, String> entries(int count, int keyLength, int valueLength) {
        var map = new HashMap<String, String>();
        for (int i = 0; i < count; i++) {
            String key = ("K" + i + "_" + "k".repeat(keyLength)).substring(0, keyLength);
            map.put(key, "v".repeat(valueLength));
        }
        return map;
    }

    private static LifecycleConfiguration lifecycle(Integer idle, Integer max) {
        return LifecycleConfiguration.builder().idleRuntimeSessionTimeout(idle).maxLifetime(max).build();
    }

    private static Arguments invalid(String what, Consumer<CreateAgentRuntimeRequest.Builder> change, String... members) {
        return Arguments.of(Named.of(what, change), members);
    }

    static Stream<Arguments> invalidCreates() {
        return Stream.of(
                invalid("name starting with a digit", r -> r.agentRuntimeName("1bad"), "agentRuntimeName"),
                invalid("name with a dash", r -> r.agentRuntimeName("has-dash"), "agentRuntimeName"),
                invalid("name of 49 characters", r -> r.agentRuntimeName("a".repeat(49)), "agentRuntimeName"),
                invalid("no name", r -> r.agentRuntimeName(null), "agentRuntimeName"),
                invalid("no roleArn", r -> r.roleArn(null), "roleArn"),
                invalid("roleArn that is no IAM role", r -> r.roleArn("not-an-arn"), "roleArn"),
                invalid("roleArn of a user", r -> r.roleArn("arn:aws:iam::000000000000:user/someone"), "roleArn"),
                invalid("no agentRuntimeArtifact", r -> r.agentRuntimeArtifact((AgentRuntimeArtifact) null),
                        "agentRuntimeArtifact"),
                invalid("three entryPoint strings", r -> r.agentRuntimeArtifact(a -> a.codeConfiguration(c -> c
                        .code(code -> code.s3(s3 -> s3.bucket(BUCKET).prefix(COUNTER)))
                        .runtime("PYTHON_3_12")
                        .entryPoint("agent.py", "a", "b"))), "entryPoint"),
                invalid("unknown runtime", r -> r.agentRuntimeArtifact(a -> a.codeConfiguration(c -> c
                        .code(code -> code.s3(s3 -> s3.bucket(BUCKET).prefix(COUNTER)))
                        .runtime("COBOL_85")
                        .entryPoint("agent.py"))), "runtime"),
                invalid("idle timeout above max lifetime", r -> r.lifecycleConfiguration(lifecycle(1000, 900)),
                        "idleRuntimeSessionTimeout", "maxLifetime", "lifecycleConfiguration"),
                invalid("idle timeout of 59 s", r -> r.lifecycleConfiguration(lifecycle(59, null)), "idleRuntimeSessionTimeout"),
                invalid("max lifetime of 59 s", r -> r.lifecycleConfiguration(lifecycle(null, 59)), "maxLifetime"),
                invalid("max lifetime of 28801 s", r -> r.lifecycleConfiguration(lifecycle(null, 28_801)), "maxLifetime"),
                invalid("51 environment variables", r -> r.environmentVariables(entries(51, 8, 1)), "environmentVariables"),
                invalid("environment value of 5001 characters", r -> r.environmentVariables(entries(1, 8, 5001)), "environmentVariables"),
                invalid("tag key with #", r -> r.tags(Map.of("bad#key", "v")), "tags"),
                invalid("tag value with ;", r -> r.tags(Map.of("team", "a;b")), "tags"),
                invalid("51 tags", r -> r.tags(entries(51, 8, 1)), "tags"),
                invalid("hearth:vcpus that is no number", r -> r.tags(Map.of("hearth:vcpus", "lots")), "tags"),
                invalid("hearth:memoryMiB below 16", r -> r.tags(Map.of("hearth:memoryMiB", "8")), "tags"),
                invalid("hearth:network that is no mode", r -> r.tags(Map.of("hearth:network", "PRIVATE")), "tags"),
                invalid("hearth:isolation that is no driver", r -> r.tags(Map.of("hearth:isolation", "vm")), "tags"),
                invalid("an unknown hearth: tag", r -> r.tags(Map.of("hearth:colour", "red")), "tags"),
                invalid("description of 4097 characters", r -> r.description("d".repeat(4097)), "description"),
                invalid("clientToken of 5 characters", r -> r.clientToken("short"), "clientToken"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidCreates")
    void anInvalidCreateIsRefusedNamingTheMember(Consumer<CreateAgentRuntimeRequest.Builder> change, String[] members) {
        String name = uniqueName("invalid");
        Throwable thrown = catchThrowable(() -> fx.control.createAgentRuntime(counter(name, COUNTER).andThen(change)));
        assertFieldValidation(thrown, members);
        assertThat(allRuntimes()).extracting(AgentRuntime::agentRuntimeName).doesNotContain(name, "1bad", "has-dash", "a".repeat(49));
    }

    @Test
    void theRequestTheInvalidOnesStartFromIsValid() {
        var runtime = fx.createReady(counter(uniqueName("baseline"), COUNTER)
                .andThen(r -> r.lifecycleConfiguration(lifecycle(60, 28_800))
                        .environmentVariables(entries(50, 100, 5000))
                        .tags(entries(50, 128, 256))
                        .description("d".repeat(4096))));
        var got = fx.control.getAgentRuntime(g -> g.agentRuntimeId(runtime.id()));
        assertThat(got.lifecycleConfiguration().idleRuntimeSessionTimeout()).isEqualTo(60);
        assertThat(got.lifecycleConfiguration().maxLifetime()).isEqualTo(28_800);
        assertThat(got.environmentVariables()).hasSize(50);
        assertThat(got.description()).hasSize(4096);
    }

    @Test
    void aNameOfFortyEightCharactersIsValid() {
        String name = "a".repeat(40) + "_" + "b".repeat(7);
        var created = fx.control.createAgentRuntime(counter(name, COUNTER));
        assertThat(created.agentRuntimeId()).matches(name + "-[a-zA-Z0-9]{10}");
    }

    @Test
    void anInvalidUpdateIsRefusedAndMakesNoVersion() {
        var runtime = fx.createReady(counter(uniqueName("stable"), COUNTER));
        Throwable idle = catchThrowable(() -> fx.control.updateAgentRuntime(counterUpdate(runtime.id(), COUNTER, "x", Map.of())
                .andThen(u -> u.lifecycleConfiguration(lifecycle(59, null)))));
        assertFieldValidation(idle, "idleRuntimeSessionTimeout");

        Throwable role = catchThrowable(() -> fx.control.updateAgentRuntime(counterUpdate(runtime.id(), COUNTER, "x", Map.of())
                .andThen(u -> u.roleArn(null))));
        assertFieldValidation(role, "roleArn");

        Throwable artifact = catchThrowable(() -> fx.control.updateAgentRuntime(counterUpdate(runtime.id(), COUNTER, "x", Map.of())
                .andThen(u -> u.agentRuntimeArtifact((AgentRuntimeArtifact) null))));
        assertFieldValidation(artifact, "agentRuntimeArtifact");

        Throwable description = catchThrowable(() -> fx.control.updateAgentRuntime(counterUpdate(runtime.id(), COUNTER, "d".repeat(4097), Map.of())));
        assertFieldValidation(description, "description");

        var got = fx.control.getAgentRuntime(g -> g.agentRuntimeId(runtime.id()));
        assertThat(got.agentRuntimeVersion()).isEqualTo("1");
        assertThat(fx.control.listAgentRuntimeVersions(l -> l.agentRuntimeId(runtime.id())).agentRuntimes())
                .extracting(AgentRuntime::agentRuntimeVersion).containsExactly("1");
    }

    private static Arguments invalidEndpoint(String what, Consumer<CreateAgentRuntimeEndpointRequest.Builder> change, String... members) {
        return Arguments.of(Named.of(what, change), members);
    }

    static Stream<Arguments> invalidEndpoints() {
        return Stream.of(
                invalidEndpoint("name starting with a digit", e -> e.name("1bad"), "name", "endpointName"),
                invalidEndpoint("name with a dash", e -> e.name("has-dash"), "name", "endpointName"),
                invalidEndpoint("name of 49 characters", e -> e.name("e".repeat(49)), "name", "endpointName"),
                invalidEndpoint("no name", e -> e.name(null), "name", "endpointName"),
                invalidEndpoint("description of 257 characters", e -> e.description("d".repeat(257)), "description"),
                invalidEndpoint("version 0", e -> e.agentRuntimeVersion("0"), "agentRuntimeVersion"),
                invalidEndpoint("version that is no number", e -> e.agentRuntimeVersion("latest"), "agentRuntimeVersion"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidEndpoints")
    void anInvalidEndpointIsRefusedNamingTheMember(Consumer<CreateAgentRuntimeEndpointRequest.Builder> change, String[] members) {
        Throwable thrown = catchThrowable(() -> fx.control.createAgentRuntimeEndpoint(
                ((Consumer<CreateAgentRuntimeEndpointRequest.Builder>) e -> e.agentRuntimeId(host.id()).name("valid_name").agentRuntimeVersion("1"))
                        .andThen(change)));
        assertFieldValidation(thrown, members);
        assertThat(fx.control.listAgentRuntimeEndpoints(l -> l.agentRuntimeId(host.id())).runtimeEndpoints())
                .extracting(AgentRuntimeEndpoint::name)
                .containsExactly("DEFAULT");
    }

    @Test
    void anUnknownRuntimeIdOnUpdateIsNotFoundNotInvalid() {
        Throwable thrown = catchThrowable(() -> fx.control.updateAgentRuntime(counterUpdate("nosuchagent-abcdefghij", COUNTER, "x", Map.of())));
        assertThat(thrown).isInstanceOf(ResourceNotFoundException.class);
        assertAwsError(thrown, 404, "ResourceNotFoundException");
    }

    private static List<AgentRuntime> allRuntimes() {
        return fx.control.listAgentRuntimesPaginator(l -> l.maxResults(100)).agentRuntimes().stream().toList();
    }
}
