package io.hearth.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hearth.api.Json;
import io.hearth.testing.Agents;
import io.hearth.testing.HearthExtension;
import io.hearth.testing.Invoker;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.bedrockagentcore.BedrockAgentCoreClient;
import software.amazon.awssdk.services.bedrockagentcorecontrol.BedrockAgentCoreControlClient;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.AgentRuntimeEndpointStatus;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.AgentRuntimeStatus;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.CreateAgentRuntimeRequest;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.GetAgentRuntimeEndpointResponse;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.GetAgentRuntimeResponse;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.NetworkMode;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.ResourceNotFoundException;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.UpdateAgentRuntimeRequest;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.UpdateAgentRuntimeResponse;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.ValidationException;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.ValidationExceptionReason;
import tools.jackson.databind.JsonNode;

/**
 * What the control-plane tests share: artifacts staged under {@code <dataDir>/artifacts/000000000000/test-artifacts/<prefix>},
 * valid requests to start from, waits for asynchronous states, and the checks every AWS error must pass.
 * Everything goes through the real SDK clients; nothing here looks inside the server.
 */
final class ControlPlaneFixture {
    static final String BUCKET = "test-artifacts";
    static final String ROLE = "arn:aws:iam::000000000000:role/test";
    static final String ARN_PREFIX = "arn:aws:bedrock-agentcore:us-east-1:000000000000:runtime/";
    static final Duration WAIT = Duration.ofSeconds(30);
    private static final AtomicInteger NAMES = new AtomicInteger();

    final HearthExtension hearth;
    final BedrockAgentCoreControlClient control;
    final BedrockAgentCoreClient data;

    ControlPlaneFixture(HearthExtension hearth) {
        this.hearth = hearth;
        var clients = hearth.clients();
        this.control = clients.control();
        this.data = clients.data();
    }

    /** A runtime name no other test of the run uses: {@code <stem>_<n>}, valid for {@code [a-zA-Z][a-zA-Z0-9_]{0,47}}. */
    static String uniqueName(String stem) {
        return stem + "_" + NAMES.incrementAndGet();
    }

    /** Copies an example of the repository to {@code <dataDir>/artifacts/000000000000/test-artifacts/<prefix>}. */
    void stage(String example, String prefix) {
        Agents.copyTree(HearthExtension.repoRoot().resolve(example), Agents.artifacts(hearth.dataDir()).resolve(BUCKET).resolve(prefix));
    }

    /** A complete, valid CreateAgentRuntime request for python-counter staged at {@code prefix}. */
    static Consumer<CreateAgentRuntimeRequest.Builder> counter(String name, String prefix) {
        return r -> r.agentRuntimeName(name)
                .agentRuntimeArtifact(a -> a.codeConfiguration(c -> c
                        .code(code -> code.s3(s3 -> s3.bucket(BUCKET).prefix(prefix)))
                        .runtime("PYTHON_3_12")
                        .entryPoint("agent.py")))
                .roleArn(ROLE)
                .networkConfiguration(n -> n.networkMode(NetworkMode.PUBLIC));
    }

    /** A complete UpdateAgentRuntime request for python-counter staged at {@code prefix}. */
    static Consumer<UpdateAgentRuntimeRequest.Builder> counterUpdate(String id, String prefix, String description,
            Map<String, String> environment) {
        return r -> r.agentRuntimeId(id)
                .agentRuntimeArtifact(a -> a.codeConfiguration(c -> c
                        .code(code -> code.s3(s3 -> s3.bucket(BUCKET).prefix(prefix)))
                        .runtime("PYTHON_3_12")
                        .entryPoint("agent.py")))
                .roleArn(ROLE)
                .networkConfiguration(n -> n.networkMode(NetworkMode.PUBLIC))
                .description(description)
                .environmentVariables(environment);
    }

    /** Creates a runtime and waits until it is READY; returns {id, arn}. */
    Agents.Runtime createReady(Consumer<CreateAgentRuntimeRequest.Builder> request) {
        var created = control.createAgentRuntime(request);
        awaitReady(created.agentRuntimeId());
        return new Agents.Runtime(created.agentRuntimeId(), created.agentRuntimeArn());
    }

    /** Updates a runtime, waits until the new version is READY, and returns the update's answer. */
    UpdateAgentRuntimeResponse updateReady(Consumer<UpdateAgentRuntimeRequest.Builder> request) {
        var updated = control.updateAgentRuntime(request);
        var settled = awaitReady(updated.agentRuntimeId());
        assertThat(settled.agentRuntimeVersion()).isEqualTo(updated.agentRuntimeVersion());
        return updated;
    }

    /** Waits until the runtime leaves CREATING/UPDATING, then requires READY (the failure reason is in the message). */
    GetAgentRuntimeResponse awaitReady(String id) {
        var settled = awaitSettled(id);
        assertThat(settled.status()).as("status of %s (failureReason: %s)", id, settled.failureReason())
                .isEqualTo(AgentRuntimeStatus.READY);
        return settled;
    }

    /** Waits until the runtime is neither CREATING nor UPDATING. */
    GetAgentRuntimeResponse awaitSettled(String id) {
        return await().atMost(WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> control.getAgentRuntime(g -> g.agentRuntimeId(id)),
                        r -> r.status() != AgentRuntimeStatus.CREATING && r.status() != AgentRuntimeStatus.UPDATING);
    }

    /** Waits until GetAgentRuntime answers 404. */
    void awaitGone(String id) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
            try {
                control.getAgentRuntime(g -> g.agentRuntimeId(id));
                return false;
            } catch (ResourceNotFoundException e) {
                return true;
            }
        });
    }

    /** Waits until the endpoint satisfies {@code condition}. */
    GetAgentRuntimeEndpointResponse awaitEndpoint(String id, String endpoint, Predicate<GetAgentRuntimeEndpointResponse> condition) {
        return await().atMost(WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> control.getAgentRuntimeEndpoint(g -> g.agentRuntimeId(id).endpointName(endpoint)), condition);
    }

    /** Waits until the endpoint is READY on {@code version}. */
    GetAgentRuntimeEndpointResponse awaitEndpointLive(String id, String endpoint, String version) {
        return awaitEndpoint(id, endpoint, e -> e.status() == AgentRuntimeEndpointStatus.READY && version.equals(e.liveVersion()));
    }

    /** Invokes {@code arn} (through {@code qualifier}, or DEFAULT when null) in a new session and returns the agent's JSON. */
    JsonNode invoke(String arn, String qualifier, String payload) {
        var response = data.invokeAgentRuntimeAsBytes(r -> r.agentRuntimeArn(arn)
                .qualifier(qualifier)
                .runtimeSessionId(Invoker.newSessionId())
                .payload(SdkBytes.fromUtf8String(payload)));
        return Json.tree(response.asByteArray());
    }

    /** The value of an environment variable as python-counter sees it, through {@code qualifier}. */
    String env(String arn, String qualifier, String variable) {
        JsonNode answer = invoke(arn, qualifier, "{\"env\":\"" + variable + "\"}");
        JsonNode value = answer.path("value");
        return value.isNull() || value.isMissingNode() ? null : value.asString();
    }

    /** The modeled status, the error code the SDK read, and a request id. */
    static void assertAwsError(Throwable thrown, int status, String code) {
        assertThat(thrown).isInstanceOf(AwsServiceException.class);
        var e = (AwsServiceException) thrown;
        assertThat(e.statusCode()).as("HTTP status of %s", e.getMessage()).isEqualTo(status);
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code);
        assertThat(e.requestId()).as("x-amzn-RequestId").isNotBlank();
    }

    /**
     * A 400 ValidationException, reason FieldValidationFailed, whose fieldList names one of {@code members}:
     * a field name matches when one element of its path ({@code a.b.c}, {@code a[b]}, {@code a/b}) is one of them.
     */
    static void assertFieldValidation(Throwable thrown, String... members) {
        assertThat(thrown).isInstanceOf(ValidationException.class);
        assertAwsError(thrown, 400, "ValidationException");
        var e = (ValidationException) thrown;
        assertThat(e.reason()).as("reason of: %s", e.getMessage()).isEqualTo(ValidationExceptionReason.FIELD_VALIDATION_FAILED);
        assertThat(e.fieldList()).as("fieldList of: %s", e.getMessage()).isNotEmpty();
        assertThat(e.fieldList()).as("fieldList of: %s", e.getMessage()).anySatisfy(f -> {
            assertThat(pathElements(f.name())).containsAnyOf(members);
            assertThat(f.message()).isNotBlank();
        });
    }

    static List<String> pathElements(String fieldName) {
        return fieldName == null ? List.of() : Arrays.asList(fieldName.split("[^A-Za-z0-9_]+"));
    }

    /** An instant from this run: not before {@code since} (less clock rounding), not in the future. */
    static void assertRecent(Instant value, Instant since) {
        assertThat(value).isNotNull();
        assertThat(value).isBetween(since.minusSeconds(2), Instant.now().plusSeconds(2));
    }
}
