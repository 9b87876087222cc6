package io.hearth.tests;

import static io.hearth.tests.ControlPlaneFixture.assertAwsError;
import static io.hearth.tests.ControlPlaneFixture.counter;
import static io.hearth.tests.ControlPlaneFixture.counterUpdate;
import static io.hearth.tests.ControlPlaneFixture.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;

import io.hearth.api.Workers;
import io.hearth.testing.HearthExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.AgentRuntime;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.AgentRuntimeEndpoint;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.ConflictException;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.CreateAgentRuntimeEndpointResponse;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.CreateAgentRuntimeResponse;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.DeleteAgentRuntimeEndpointResponse;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.UpdateAgentRuntimeResponse;

/**
 * Concurrent control-plane writes through the real SDK: retries that share a {@code clientToken} and arrive at the
 * same moment do the work once and all get its answer; racing creates of one name leave one runtime.
 */
class ControlPlaneConcurrencyTest {
    @RegisterExtension
    static final HearthExtension hearth = new HearthExtension();

    static final String COUNTER = "counter";
    static final int CALLERS = 8;
    static ControlPlaneFixture fx;

    @BeforeAll
    static void stage() {
        fx = new ControlPlaneFixture(hearth);
        fx.stage("examples/python-counter", COUNTER);
    }

    @Test
    void concurrentCreatesWithOneClientTokenMakeOneRuntime() {
        String name = uniqueName("sametoken");
        String token = UUID.randomUUID().toString();

        List<Outcome<CreateAgentRuntimeResponse>> outcomes = atOnce(() ->
                fx.control.createAgentRuntime(counter(name, COUNTER).andThen(r -> r.clientToken(token))));

        List<CreateAgentRuntimeResponse> answers = answers(outcomes);
        assertThat(answers).extracting(CreateAgentRuntimeResponse::agentRuntimeId).containsOnly(answers.getFirst().agentRuntimeId());
        assertThat(answers).extracting(CreateAgentRuntimeResponse::agentRuntimeArn).containsOnly(answers.getFirst().agentRuntimeArn());
        assertThat(answers).extracting(CreateAgentRuntimeResponse::agentRuntimeVersion).containsOnly("1");
        assertThat(fx.control.listAgentRuntimesPaginator(l -> l.maxResults(100)).agentRuntimes().stream()
                .map(AgentRuntime::agentRuntimeName).filter(name::equals).count()).isEqualTo(1);
        fx.awaitReady(answers.getFirst().agentRuntimeId());
    }

    @Test
    void concurrentUpdatesWithOneClientTokenMakeOneVersion() {
        var runtime = fx.createReady(counter(uniqueName("sameupdate"), COUNTER));
        String token = UUID.randomUUID().toString();

        List<Outcome<UpdateAgentRuntimeResponse>> outcomes = atOnce(() -> fx.control.updateAgentRuntime(
                counterUpdate(runtime.id(), COUNTER, "v2", Map.of("STAGE", "two")).andThen(r -> r.clientToken(token))));

        assertThat(answers(outcomes)).extracting(UpdateAgentRuntimeResponse::agentRuntimeVersion).containsOnly("2");
        fx.awaitReady(runtime.id());
        assertThat(fx.control.listAgentRuntimeVersions(l -> l.agentRuntimeId(runtime.id())).agentRuntimes())
                .extracting(AgentRuntime::agentRuntimeVersion).containsExactlyInAnyOrder("1", "2");
    }

    @Test
    void concurrentEndpointCreatesWithOneClientTokenMakeOneEndpoint() {
        var runtime = fx.createReady(counter(uniqueName("sameendpoint"), COUNTER));
        String token = UUID.randomUUID().toString();

        List<Outcome<CreateAgentRuntimeEndpointResponse>> outcomes = atOnce(() -> fx.control.createAgentRuntimeEndpoint(
                c -> c.agentRuntimeId(runtime.id()).name("prod").agentRuntimeVersion("1").clientToken(token)));

        List<CreateAgentRuntimeEndpointResponse> answers = answers(outcomes);
        assertThat(answers).extracting(CreateAgentRuntimeEndpointResponse::agentRuntimeEndpointArn)
                .containsOnly(runtime.arn() + "/runtime-endpoint/prod");
        assertThat(answers).extracting(CreateAgentRuntimeEndpointResponse::createdAt).containsOnly(answers.getFirst().createdAt());
        assertThat(fx.control.listAgentRuntimeEndpoints(l -> l.agentRuntimeId(runtime.id())).runtimeEndpoints())
                .extracting(AgentRuntimeEndpoint::name).containsExactlyInAnyOrder("DEFAULT", "prod");
    }

    @Test
    void concurrentEndpointDeletesWithOneClientTokenAllSucceed() {
        var runtime = fx.createReady(counter(uniqueName("samedelete"), COUNTER));
        fx.control.createAgentRuntimeEndpoint(c -> c.agentRuntimeId(runtime.id()).name("doomed").agentRuntimeVersion("1"));
        String token = UUID.randomUUID().toString();

        List<Outcome<DeleteAgentRuntimeEndpointResponse>> outcomes = atOnce(() -> fx.control.deleteAgentRuntimeEndpoint(
                d -> d.agentRuntimeId(runtime.id()).endpointName("doomed").clientToken(token)));

        assertThat(answers(outcomes)).allSatisfy(d -> assertThat(d.sdkHttpResponse().statusCode()).isEqualTo(202));
        assertThat(fx.control.listAgentRuntimeEndpoints(l -> l.agentRuntimeId(runtime.id())).runtimeEndpoints())
                .extracting(AgentRuntimeEndpoint::name).containsExactly("DEFAULT");
    }

    @Test
    void concurrentCreatesOfOneNameLeaveOneRuntime() {
        String name = uniqueName("samename");

        List<Outcome<CreateAgentRuntimeResponse>> outcomes = atOnce(() -> fx.control.createAgentRuntime(counter(name, COUNTER)));

        assertThat(outcomes).filteredOn(o -> o.answer() != null).hasSize(1);
        assertThat(outcomes).filteredOn(o -> o.failure() != null).hasSize(CALLERS - 1).allSatisfy(o -> {
            assertThat(o.failure()).isInstanceOf(ConflictException.class);
            assertAwsError(o.failure(), 409, "ConflictException");
        });
        assertThat(fx.control.listAgentRuntimesPaginator(l -> l.maxResults(100)).agentRuntimes().stream()
                .map(AgentRuntime::agentRuntimeName).filter(name::equals).count()).isEqualTo(1);
    }

    /** One caller's answer, or what it threw. */
    record Outcome<T>(T answer, Throwable failure) {}

    /**
     * Runs {@link #CALLERS} copies of {@code call}, released together, and returns what each got. A round of
     * listings first opens a pooled connection per caller, so the calls reach the server together rather than
     * behind connection set-up.
     */
    private static <T> List<Outcome<T>> atOnce(Supplier<T> call) {
        released(() -> fx.control.listAgentRuntimes(l -> l.maxResults(1)));
        return released(call);
    }

    private static <T> List<Outcome<T>> released(Supplier<T> call) {
        var callers = Workers.bounded("concurrency-test-caller", CALLERS, 0);
        var go = new CountDownLatch(1);
        try {
            var running = new ArrayList<Future<Outcome<T>>>();
            for (int i = 0; i < CALLERS; i++) {
                running.add(callers.submit(() -> {
                    go.await();
                    try {
                        return new Outcome<>(call.get(), null);
                    } catch (RuntimeException e) {
                        return new Outcome<T>(null, e);
                    }
                }));
            }
            go.countDown();
            var outcomes = new ArrayList<Outcome<T>>();
            for (Future<Outcome<T>> caller : running) {
                outcomes.add(caller.get(60, TimeUnit.SECONDS));
            }
            return outcomes;
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new AssertionError("a caller did not finish", e);
        } finally {
            callers.close(Duration.ofSeconds(10));
        }
    }

    /** Every caller's answer, failing with the first error when any caller got one. */
    private static <T> List<T> answers(List<Outcome<T>> outcomes) {
        assertThat(outcomes).as("errors of concurrent retries").allSatisfy(o -> assertThat(o.failure()).isNull());
        return outcomes.stream().map(Outcome::answer).toList();
    }
}
