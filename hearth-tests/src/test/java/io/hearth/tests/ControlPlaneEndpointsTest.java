package io.hearth.tests;

import static io.hearth.tests.ControlPlaneFixture.assertAwsError;
import static io.hearth.tests.ControlPlaneFixture.assertRecent;
import static io.hearth.tests.ControlPlaneFixture.counter;
import static io.hearth.tests.ControlPlaneFixture.counterUpdate;
import static io.hearth.tests.ControlPlaneFixture.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.hearth.testing.Agents;
import io.hearth.testing.HearthExtension;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.AgentRuntimeEndpoint;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.AgentRuntimeEndpointStatus;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.ConflictException;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.ResourceNotFoundException;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.ValidationException;

/**
 * Runtime endpoints (docs/wire-contract.md §3): DEFAULT follows the latest version, named endpoints stay on theirs until
 * moved, and an invocation's qualifier picks the version that runs. Versions are told apart by the environment
 * variable STAGE, which python-counter reports with {@code {"env": "STAGE"}}.
 */
class ControlPlaneEndpointsTest {
    @RegisterExtension
    static final HearthExtension hearth = new HearthExtension();

    static final String COUNTER = "counter";
    static ControlPlaneFixture fx;

    @BeforeAll
    static void stage() {
        fx = new ControlPlaneFixture(hearth);
        fx.stage("examples/python-counter", COUNTER);
    }

    /** A READY runtime whose version 1 has STAGE=one. */
    private static Agents.Runtime stageOne(String stem) {
        return fx.createReady(counter(uniqueName(stem), COUNTER).andThen(r -> r.environmentVariables(Map.of("STAGE", "one"))));
    }

    private static void updateToStage(Agents.Runtime runtime, String stage) {
        fx.updateReady(counterUpdate(runtime.id(), COUNTER, "stage " + stage, Map.of("STAGE", stage)));
    }

    @Test
    void theDefaultEndpointExistsAndFollowsTheLatestVersion() {
        var runtime = stageOne("withdefault");

        var listed = fx.control.listAgentRuntimeEndpoints(l -> l.agentRuntimeId(runtime.id()));
        assertThat(listed.sdkHttpResponse().statusCode()).isEqualTo(200);
        assertThat(listed.runtimeEndpoints()).singleElement().satisfies(e -> {
            assertThat(e.name()).isEqualTo("DEFAULT");
            assertThat(e.liveVersion()).isEqualTo("1");
            assertThat(e.agentRuntimeArn()).isEqualTo(runtime.arn());
            assertThat(e.agentRuntimeEndpointArn()).isEqualTo(runtime.arn() + "/runtime-endpoint/DEFAULT");
            assertThat(e.id()).isNotBlank();
            assertThat(e.createdAt()).isNotNull();
            assertThat(e.lastUpdatedAt()).isNotNull();
            assertThat(e.status()).isNotNull();
        });

        var got = fx.awaitEndpointLive(runtime.id(), "DEFAULT", "1");
        assertThat(got.sdkHttpResponse().statusCode()).isEqualTo(200);
        assertThat(got.name()).isEqualTo("DEFAULT");
        assertThat(got.agentRuntimeArn()).isEqualTo(runtime.arn());
        assertThat(got.agentRuntimeEndpointArn()).isEqualTo(runtime.arn() + "/runtime-endpoint/DEFAULT");
        assertThat(got.id()).isNotBlank();
        assertThat(got.createdAt()).isNotNull();
        assertThat(got.lastUpdatedAt()).isNotNull();
        assertThat(fx.env(runtime.arn(), null, "STAGE")).isEqualTo("one");

        updateToStage(runtime, "two");
        fx.awaitEndpointLive(runtime.id(), "DEFAULT", "2");
        assertThat(fx.env(runtime.arn(), null, "STAGE")).isEqualTo("two");
        assertThat(fx.env(runtime.arn(), "DEFAULT", "STAGE")).isEqualTo("two");
    }

    @Test
    void aNamedEndpointStaysOnItsVersionUntilItIsMoved() {
        var runtime = stageOne("pinned");
        Instant before = Instant.now();

        var created = fx.control.createAgentRuntimeEndpoint(c -> c.agentRuntimeId(runtime.id()).name("prod")
                .agentRuntimeVersion("1").description("production"));
        assertThat(created.sdkHttpResponse().statusCode()).isEqualTo(202);
        assertThat(created.targetVersion()).isEqualTo("1");
        assertThat(created.agentRuntimeEndpointArn()).isEqualTo(runtime.arn() + "/runtime-endpoint/prod");
        assertThat(created.agentRuntimeArn()).isEqualTo(runtime.arn());
        assertThat(created.agentRuntimeId()).isEqualTo(runtime.id());
        assertThat(created.endpointName()).isEqualTo("prod");
        assertThat(created.status()).isIn(AgentRuntimeEndpointStatus.CREATING, AgentRuntimeEndpointStatus.READY);
        assertRecent(created.createdAt(), before);

        var prod = fx.awaitEndpointLive(runtime.id(), "prod", "1");
        assertThat(prod.description()).isEqualTo("production");
        assertThat(prod.agentRuntimeEndpointArn()).isEqualTo(runtime.arn() + "/runtime-endpoint/prod");

        updateToStage(runtime, "two");
        fx.awaitEndpointLive(runtime.id(), "DEFAULT", "2");
        assertThat(fx.control.getAgentRuntimeEndpoint(g -> g.agentRuntimeId(runtime.id()).endpointName("prod")).liveVersion()).isEqualTo("1");
        assertThat(fx.control.listAgentRuntimeEndpoints(l -> l.agentRuntimeId(runtime.id())).runtimeEndpoints())
                .extracting(AgentRuntimeEndpoint::name, AgentRuntimeEndpoint::liveVersion)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("DEFAULT", "2"),
                        org.assertj.core.groups.Tuple.tuple("prod", "1"));

        assertThat(fx.env(runtime.arn(), "prod", "STAGE")).isEqualTo("one");
        assertThat(fx.env(runtime.arn(), null, "STAGE")).isEqualTo("two");
        assertThat(fx.control.getAgentRuntime(g -> g.agentRuntimeId(runtime.id()).agentRuntimeVersion("1")).environmentVariables())
                .isEqualTo(Map.of("STAGE", "one"));

        var moved = fx.control.updateAgentRuntimeEndpoint(u -> u.agentRuntimeId(runtime.id()).endpointName("prod").agentRuntimeVersion("2"));
        assertThat(moved.sdkHttpResponse().statusCode()).isEqualTo(202);
        assertThat(moved.targetVersion()).isEqualTo("2");
        assertThat(moved.agentRuntimeEndpointArn()).isEqualTo(runtime.arn() + "/runtime-endpoint/prod");
        assertThat(moved.lastUpdatedAt()).isNotNull();
        fx.awaitEndpointLive(runtime.id(), "prod", "2");
        assertThat(fx.env(runtime.arn(), "prod", "STAGE")).isEqualTo("two");

        updateToStage(runtime, "three");
        fx.awaitEndpointLive(runtime.id(), "DEFAULT", "3");
        assertThat(fx.env(runtime.arn(), "prod", "STAGE")).isEqualTo("two");
        assertThat(fx.env(runtime.arn(), null, "STAGE")).isEqualTo("three");
    }

    @Test
    void anEndpointCanBeMovedBackToAnOlderVersion() {
        var runtime = stageOne("rollback");
        updateToStage(runtime, "two");
        fx.control.createAgentRuntimeEndpoint(c -> c.agentRuntimeId(runtime.id()).name("canary").agentRuntimeVersion("2"));
        fx.awaitEndpointLive(runtime.id(), "canary", "2");
        assertThat(fx.env(runtime.arn(), "canary", "STAGE")).isEqualTo("two");

        fx.control.updateAgentRuntimeEndpoint(u -> u.agentRuntimeId(runtime.id()).endpointName("canary").agentRuntimeVersion("1"));
        fx.awaitEndpointLive(runtime.id(), "canary", "1");
        assertThat(fx.env(runtime.arn(), "canary", "STAGE")).isEqualTo("one");
        assertThat(fx.env(runtime.arn(), null, "STAGE")).isEqualTo("two");
    }

    @Test
    void aSecondEndpointWithTheSameNameIsAConflict() {
        var runtime = stageOne("dupendpoint");
        fx.control.createAgentRuntimeEndpoint(c -> c.agentRuntimeId(runtime.id()).name("prod").agentRuntimeVersion("1"));
        Throwable thrown = catchThrowable(() ->
                fx.control.createAgentRuntimeEndpoint(c -> c.agentRuntimeId(runtime.id()).name("prod").agentRuntimeVersion("1")));
        assertThat(thrown).isInstanceOf(ConflictException.class);
        assertAwsError(thrown, 409, "ConflictException");
    }

    @Test
    void anEndpointOnAVersionThatDoesNotExistIsInvalid() {
        var runtime = stageOne("noversion");
        Throwable created = catchThrowable(() ->
                fx.control.createAgentRuntimeEndpoint(c -> c.agentRuntimeId(runtime.id()).name("future").agentRuntimeVersion("9")));
        assertThat(created).isInstanceOf(ValidationException.class);
        assertAwsError(created, 400, "ValidationException");
        assertThatThrownBy(() -> fx.control.getAgentRuntimeEndpoint(g -> g.agentRuntimeId(runtime.id()).endpointName("future")))
                .isInstanceOf(ResourceNotFoundException.class);

        fx.control.createAgentRuntimeEndpoint(c -> c.agentRuntimeId(runtime.id()).name("prod").agentRuntimeVersion("1"));
        Throwable moved = catchThrowable(() ->
                fx.control.updateAgentRuntimeEndpoint(u -> u.agentRuntimeId(runtime.id()).endpointName("prod").agentRuntimeVersion("9")));
        assertThat(moved).isInstanceOf(ValidationException.class);
        assertAwsError(moved, 400, "ValidationException");
        assertThat(fx.awaitEndpoint(runtime.id(), "prod", e -> e.status() == AgentRuntimeEndpointStatus.READY).liveVersion()).isEqualTo("1");
    }

    @Test
    void anEndpointOfAnUnknownRuntimeIsNotFound() {
        Throwable thrown = catchThrowable(() ->
                fx.control.createAgentRuntimeEndpoint(c -> c.agentRuntimeId("nosuchagent-abcdefghij").name("prod").agentRuntimeVersion("1")));
        assertThat(thrown).isInstanceOf(ResourceNotFoundException.class);
        assertAwsError(thrown, 404, "ResourceNotFoundException");
    }

    @Test
    void anUnknownEndpointIsNotFoundOnGetUpdateAndDelete() {
        var runtime = stageOne("noendpoint");
        Throwable get = catchThrowable(() -> fx.control.getAgentRuntimeEndpoint(g -> g.agentRuntimeId(runtime.id()).endpointName("ghost")));
        assertThat(get).isInstanceOf(ResourceNotFoundException.class);
        assertAwsError(get, 404, "ResourceNotFoundException");

        Throwable update = catchThrowable(() ->
                fx.control.updateAgentRuntimeEndpoint(u -> u.agentRuntimeId(runtime.id()).endpointName("ghost").agentRuntimeVersion("1")));
        assertThat(update).isInstanceOf(ResourceNotFoundException.class);
        assertAwsError(update, 404, "ResourceNotFoundException");

        Throwable delete = catchThrowable(() -> fx.control.deleteAgentRuntimeEndpoint(d -> d.agentRuntimeId(runtime.id()).endpointName("ghost")));
        assertThat(delete).isInstanceOf(ResourceNotFoundException.class);
        assertAwsError(delete, 404, "ResourceNotFoundException");
    }

    @Test
    void theDefaultEndpointCannotBeDeleted() {
        var runtime = stageOne("keepdefault");
        Throwable thrown = catchThrowable(() -> fx.control.deleteAgentRuntimeEndpoint(d -> d.agentRuntimeId(runtime.id()).endpointName("DEFAULT")));
        assertThat(thrown).isInstanceOf(AwsServiceException.class);
        assertThat(((AwsServiceException) thrown).statusCode()).isBetween(400, 499);
        assertThat(((AwsServiceException) thrown).awsErrorDetails().errorCode()).isIn("ValidationException", "ConflictException");

        assertThat(fx.control.getAgentRuntimeEndpoint(g -> g.agentRuntimeId(runtime.id()).endpointName("DEFAULT")).name()).isEqualTo("DEFAULT");
        assertThat(fx.env(runtime.arn(), null, "STAGE")).isEqualTo("one");
    }

    @Test
    void aDeletedEndpointDisappearsAndItsQualifierIsNotFound() {
        var runtime = stageOne("dropendpoint");
        fx.control.createAgentRuntimeEndpoint(c -> c.agentRuntimeId(runtime.id()).name("temp").agentRuntimeVersion("1"));
        fx.awaitEndpointLive(runtime.id(), "temp", "1");
        assertThat(fx.env(runtime.arn(), "temp", "STAGE")).isEqualTo("one");

        var deleted = fx.control.deleteAgentRuntimeEndpoint(d -> d.agentRuntimeId(runtime.id()).endpointName("temp"));
        assertThat(deleted.sdkHttpResponse().statusCode()).isEqualTo(202);
        assertThat(deleted.status()).isEqualTo(AgentRuntimeEndpointStatus.DELETING);
        assertThat(deleted.agentRuntimeId()).isEqualTo(runtime.id());
        assertThat(deleted.endpointName()).isEqualTo("temp");

        org.awaitility.Awaitility.await().atMost(ControlPlaneFixture.WAIT).until(() -> {
            try {
                fx.control.getAgentRuntimeEndpoint(g -> g.agentRuntimeId(runtime.id()).endpointName("temp"));
                return false;
            } catch (ResourceNotFoundException e) {
                return true;
            }
        });
        assertThat(fx.control.listAgentRuntimeEndpoints(l -> l.agentRuntimeId(runtime.id())).runtimeEndpoints())
                .extracting(AgentRuntimeEndpoint::name).containsExactly("DEFAULT");
        assertThatThrownBy(() -> fx.env(runtime.arn(), "temp", "STAGE"))
                .isInstanceOf(software.amazon.awssdk.services.bedrockagentcore.model.ResourceNotFoundException.class);
        assertThat(fx.env(runtime.arn(), null, "STAGE")).isEqualTo("one");
    }

    @Test
    void anUnknownQualifierIsNotFoundOnInvoke() {
        var runtime = stageOne("noqualifier");
        assertThatThrownBy(() -> fx.env(runtime.arn(), "nosuchendpoint", "STAGE"))
                .isInstanceOf(software.amazon.awssdk.services.bedrockagentcore.model.ResourceNotFoundException.class);
    }

    @Test
    void endpointsAreListedAndPaged() {
        var runtime = stageOne("manyendpoints");
        updateToStage(runtime, "two");
        fx.control.createAgentRuntimeEndpoint(c -> c.agentRuntimeId(runtime.id()).name("blue").agentRuntimeVersion("1"));
        fx.control.createAgentRuntimeEndpoint(c -> c.agentRuntimeId(runtime.id()).name("green").agentRuntimeVersion("2"));

        var firstPage = fx.control.listAgentRuntimeEndpoints(l -> l.agentRuntimeId(runtime.id()).maxResults(1));
        assertThat(firstPage.runtimeEndpoints()).hasSize(1);
        assertThat(firstPage.nextToken()).isNotNull();

        var all = fx.control.listAgentRuntimeEndpointsPaginator(l -> l.agentRuntimeId(runtime.id()).maxResults(1))
                .runtimeEndpoints().stream().toList();
        assertThat(all).extracting(AgentRuntimeEndpoint::name).containsExactlyInAnyOrder("DEFAULT", "blue", "green");
        assertThat(all).filteredOn(e -> e.name().equals("blue")).singleElement()
                .satisfies(e -> assertThat(e.targetVersion()).isEqualTo("1"));
        assertThat(all).filteredOn(e -> e.name().equals("green")).singleElement()
                .satisfies(e -> assertThat(e.targetVersion()).isEqualTo("2"));
        assertThat(all).allSatisfy(e -> assertThat(e.agentRuntimeEndpointArn()).isEqualTo(runtime.arn() + "/runtime-endpoint/" + e.name()));
    }

    @Test
    void deletingTheRuntimeTakesItsEndpointsWithIt() {
        var runtime = stageOne("cascade");
        fx.control.createAgentRuntimeEndpoint(c -> c.agentRuntimeId(runtime.id()).name("prod").agentRuntimeVersion("1"));
        fx.awaitEndpointLive(runtime.id(), "prod", "1");
        fx.control.deleteAgentRuntime(d -> d.agentRuntimeId(runtime.id()));
        fx.awaitGone(runtime.id());
        assertThatThrownBy(() -> fx.control.getAgentRuntimeEndpoint(g -> g.agentRuntimeId(runtime.id()).endpointName("prod")))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> fx.env(runtime.arn(), "prod", "STAGE"))
                .isInstanceOf(software.amazon.awssdk.services.bedrockagentcore.model.ResourceNotFoundException.class);
    }
}
