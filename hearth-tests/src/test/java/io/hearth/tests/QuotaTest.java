package io.hearth.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hearth.api.Json;
import io.hearth.deployment.HearthTags;
import io.hearth.quota.QuotaSettings;
import io.hearth.quota.RateLimit;
import io.hearth.testing.Agents;
import io.hearth.testing.Clients;
import io.hearth.testing.HearthExtension;
import io.hearth.testing.Invoker;
import io.hearth.testing.Signed;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.services.bedrockagentcore.BedrockAgentCoreClient;
import software.amazon.awssdk.services.bedrockagentcore.model.BedrockAgentCoreException;
import software.amazon.awssdk.services.bedrockagentcore.model.RuntimeClientErrorException;
import software.amazon.awssdk.services.bedrockagentcore.model.ServiceQuotaExceededException;
import software.amazon.awssdk.services.bedrockagentcore.model.ThrottlingException;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.LifecycleConfiguration;

/**
 * Quotas end to end: a real server with small limits, real agent processes, the AWS SDK data-plane client with its
 * retries off, so each refusal reaches the test as the SDK surfaces it.
 */
class QuotaTest {
    private static final int MAX_SANDBOXES = 5;

    @RegisterExtension
    static final HearthExtension hearth = new HearthExtension(c -> c.withQuotas(QuotaSettings.DEFAULT
            .withInvocations(RateLimit.perSecond(1_000, 1_000))
            .withNewSessions(RateLimit.perSecond(1_000, 1_000))
            .withMaxSandboxes(OptionalInt.of(MAX_SANDBOXES))
            .withColdStarts(2, 64, Duration.ofSeconds(30))));

    /** Filled from the burst test's 30 caller threads at once. */
    private final List<Runnable> cleanup = new java.util.concurrent.CopyOnWriteArrayList<>();

    @AfterEach
    void stopSessions() {
        cleanup.forEach(Runnable::run);
        await().atMost(Duration.ofSeconds(30)).until(() -> hearth.server().sessions().live().isEmpty());
        await().atMost(Duration.ofSeconds(30)).until(() -> liveSandboxes() == 0 && agentProcesses() == 0);
    }

    @Test
    void theInvocationRateIsHitExactlyAtItsBurstAndTheSdkSurfacesThrottlingException() throws Exception {
        Invoker invoker = invoker(runtime(Map.of(HearthTags.QUOTA_INVOCATIONS_PER_SECOND, "1",
                HearthTags.QUOTA_INVOCATION_BURST, "5")));
        String session = session(invoker);
        invoker.count(session);
        Thread.sleep(5_100); // the bucket is full again: 5 tokens

        long began = System.nanoTime();
        int served = 0;
        ThrottlingException refused = null;
        while (refused == null && served < 100) {
            try {
                invoker.count(session);
                served++;
            } catch (ThrottlingException e) {
                refused = e;
            }
        }
        long refilled = (System.nanoTime() - began) / 1_000_000_000L; // 1 token per whole second elapsed
        assertThat(served).as("calls served before the first 429").isBetween(5, 5 + (int) refilled);
        assertThat(refused).isNotNull();
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.awsErrorDetails().errorCode()).isEqualTo("ThrottlingException");
        assertThat(refused.getMessage()).contains("Rate exceeded", "endpoint DEFAULT of agent runtime",
                "1/s (burst 5)", HearthTags.QUOTA_INVOCATIONS_PER_SECOND);

        Thread.sleep(1_100);
        assertThat(invoker.count(session)).as("a second later the rate admits one more").isPositive();
    }

    @Test
    void theNewSessionRateThrottlesNewSessionsButNotCallsOnLiveOnes() {
        Invoker invoker = invoker(runtime(Map.of(HearthTags.QUOTA_NEW_SESSIONS_PER_MINUTE, "1",
                HearthTags.QUOTA_NEW_SESSION_BURST, "2")));
        String first = session(invoker);
        String second = session(invoker);
        assertThat(invoker.count(first)).isEqualTo(1);
        assertThat(invoker.count(second)).isEqualTo(1);
        String third = session(invoker);
        assertThatThrownBy(() -> invoker.count(third))
                .isInstanceOfSatisfying(ThrottlingException.class, e -> assertThat(e.statusCode()).isEqualTo(429))
                .hasMessageContaining("new sessions")
                .hasMessageContaining(HearthTags.QUOTA_NEW_SESSIONS_PER_MINUTE);
        assertThat(invoker.count(first)).as("the live session is not a new one").isEqualTo(2);
    }

    @Test
    void theLiveSandboxCapAnswers402UntilASessionIsStopped() {
        Invoker invoker = invoker(runtime(Map.of()));
        var sessions = new ArrayList<String>();
        for (int i = 0; i < MAX_SANDBOXES; i++) {
            String s = session(invoker);
            assertThat(invoker.count(s)).isEqualTo(1);
            sessions.add(s);
        }
        String extra = session(invoker);
        assertThatThrownBy(() -> invoker.count(extra))
                .isInstanceOfSatisfying(ServiceQuotaExceededException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(402);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ServiceQuotaExceededException");
                })
                .hasMessageContaining("maxVms limit exceeded")
                .hasMessageContaining(MAX_SANDBOXES + " of at most " + MAX_SANDBOXES + " live sandboxes");

        invoker.stop(sessions.removeFirst());
        assertThat(liveSandboxes()).as("StopRuntimeSession returns once the sandbox is gone").isEqualTo(MAX_SANDBOXES - 1);
        assertThat(invoker.count(extra)).isEqualTo(1);

        String metrics = get("/metrics");
        assertThat(metrics).contains("hearth_quota_sandboxes_live " + MAX_SANDBOXES + ".0")
                .contains("hearth_quota_sandboxes_max " + MAX_SANDBOXES + ".0")
                .containsPattern("hearth_quota_refusals_total\\{kind=\"live-sandboxes\"} [1-9]");
        var quotas = Json.tree(get("/hearth/v1/quotas").getBytes(StandardCharsets.UTF_8));
        assertThat(quotas.path("node").path("liveSandboxes").asInt()).isEqualTo(MAX_SANDBOXES);
        assertThat(quotas.path("node").path("maxSandboxes").asInt()).isEqualTo(MAX_SANDBOXES);
        assertThat(quotas.path("tenants").get(0).path("activeSessions").asInt()).isEqualTo(MAX_SANDBOXES);
        assertThat(quotas.path("refusals").path("live-sandboxes").asLong()).isPositive();
    }

    @Test
    void aBurstOfThirtyNewSessionsNeverRunsMoreThanTheCapAndTheRestGetCleanRefusals() throws Exception {
        Invoker invoker = invoker(runtime(Map.of()));
        var mostProcesses = new AtomicInteger();
        var sampling = new AtomicBoolean(true);
        Thread sampler = Thread.ofPlatform().start(() -> {
            while (sampling.get()) {
                mostProcesses.accumulateAndGet(agentProcesses(), Math::max);
            }
        });
        var outcomes = new ConcurrentHashMap<String, AtomicInteger>();
        var go = new CountDownLatch(1);
        ExecutorService callers = Executors.newFixedThreadPool(30);
        try {
            var calls = new ArrayList<Future<?>>();
            for (int i = 0; i < 30; i++) {
                calls.add(callers.submit(() -> {
                    go.await();
                    String outcome;
                    try {
                        invoker.count(session(invoker));
                        outcome = "served";
                    } catch (ServiceQuotaExceededException e) {
                        outcome = "402";
                    } catch (ThrottlingException e) {
                        outcome = "429";
                    } catch (BedrockAgentCoreException e) {
                        outcome = e.statusCode() + " " + e.getMessage();
                    }
                    outcomes.computeIfAbsent(outcome, k -> new AtomicInteger()).incrementAndGet();
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> call : calls) {
                call.get();
            }
        } finally {
            callers.shutdownNow();
            sampling.set(false);
            sampler.join();
        }
        assertThat(outcomes.keySet()).as("every call is served or cleanly refused: %s", outcomes)
                .isSubsetOf("served", "402", "429");
        assertThat(outcomes.get("served").get()).isBetween(1, MAX_SANDBOXES);
        assertThat(mostProcesses.get()).as("agent processes at once").isBetween(1, MAX_SANDBOXES);
        assertThat(liveSandboxes()).isLessThanOrEqualTo(MAX_SANDBOXES);
    }

    @Test
    void sessionsThatCrashOrTimeOutGiveTheirSandboxesBack() {
        Invoker faulty = invoker(hearth.agents().deploy("hearth-tests/src/test/agents/session-faults", "PYTHON_3_12",
                "agent.py", LifecycleConfiguration.builder().idleRuntimeSessionTimeout(1).maxLifetime(60).build(),
                Map.of(), Map.of()));
        for (int round = 0; round < 3; round++) {
            var sessions = new ArrayList<String>();
            for (int i = 0; i < MAX_SANDBOXES; i++) {
                String s = Invoker.newSessionId();
                faulty.invoke(s, "{}");
                sessions.add(s);
            }
            // Two crash; the other three are left to their 1-second idle timeout.
            for (String s : sessions.subList(0, 2)) {
                assertThatThrownBy(() -> faulty.invoke(s, "{\"crash\": 3}")).isInstanceOf(RuntimeClientErrorException.class);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> hearth.server().sessions().live().isEmpty());
            await().atMost(Duration.ofSeconds(10)).until(() -> liveSandboxes() == 0);
        }
        var quotas = Json.tree(get("/hearth/v1/quotas").getBytes(StandardCharsets.UTF_8));
        assertThat(quotas.path("node").path("memoryCommittedBytes").asLong()).isZero();
        assertThat(quotas.path("tenants").get(0).path("activeSessions").asInt()).isZero();
    }

    @Test
    void anEndpointThatIsNotReadyAnswersRetryableConflict() throws Exception {
        var created = hearth.clients().control().createAgentRuntime(r -> r.agentRuntimeName("never_ready")
                .agentRuntimeArtifact(a -> a.codeConfiguration(c -> c
                        .code(code -> code.s3(s3 -> s3.bucket("test-artifacts").prefix("missing")))
                        .runtime("PYTHON_3_12").entryPoint("agent.py")))
                .roleArn("arn:aws:iam::000000000000:role/test")
                .networkConfiguration(n -> n.networkMode(software.amazon.awssdk.services.bedrockagentcorecontrol.model.NetworkMode.PUBLIC)));
        String path = "/runtimes/" + URLEncoder.encode(created.agentRuntimeArn(), StandardCharsets.UTF_8) + "/invocations";
        var request = Signed.request("POST", URI.create(hearth.endpoint() + path), "{}")
                .header("Content-Type", "application/json")
                .header("X-Amzn-Bedrock-AgentCore-Runtime-Session-Id", Invoker.newSessionId()).build();
        try (var http = HttpClient.newHttpClient()) {
            var response = http.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(409);
            assertThat(response.headers().firstValue("x-amzn-ErrorType")).contains("RetryableConflictException");
            var body = Json.tree(response.body().getBytes(StandardCharsets.UTF_8));
            assertThat(body.path("__type").asString("")).isEqualTo("RetryableConflictException");
            assertThat(body.path("message").asString("")).contains("expected: READY");
        }
        assertThatThrownBy(() -> invoker(new Agents.Runtime(created.agentRuntimeId(), created.agentRuntimeArn()))
                .count(Invoker.newSessionId()))
                .isInstanceOfSatisfying(BedrockAgentCoreException.class, e -> assertThat(e.statusCode()).isEqualTo(409));
    }

    private Agents.Runtime runtime(Map<String, String> tags) {
        return hearth.agents().deploy("examples/python-counter", "PYTHON_3_12", "agent.py", null, Map.of(), tags);
    }

    /** A session id whose session is stopped after the test, if it is still live. */
    private String session(Invoker invoker) {
        String id = Invoker.newSessionId();
        cleanup.add(() -> {
            try {
                invoker.stop(id);
            } catch (RuntimeException e) {
                // not live: nothing to stop
            }
        });
        return id;
    }

    private static Invoker invoker(Agents.Runtime runtime) {
        BedrockAgentCoreClient client = BedrockAgentCoreClient.builder()
                .endpointOverride(hearth.endpoint())
                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(Clients.ACCESS_KEY_ID, Clients.SECRET_ACCESS_KEY)))
                // The SDK retries 429 by default: off, so the test sees each refusal.
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
        return new Invoker(client, runtime.arn());
    }

    /** The node's count, as the quotas API shows it. */
    private static int liveSandboxes() {
        return Json.tree(get("/hearth/v1/quotas").getBytes(StandardCharsets.UTF_8)).path("node").path("liveSandboxes").asInt();
    }

    /** Agent processes of this server (the only one in this JVM): its descendants that run an agent.py. */
    /** The agents themselves: the interpreter running agent.py, not the bwrap processes whose arguments name it. */
    private static int agentProcesses() {
        return (int) ProcessHandle.current().descendants()
                .filter(p -> p.info().command().map(c -> c.contains("python")).orElse(false))
                .filter(p -> p.info().commandLine().map(c -> c.contains("agent.py")).orElse(false))
                .count();
    }

    private static String get(String path) {
        try (var http = HttpClient.newHttpClient()) {
            return http.send(Signed.get(URI.create(hearth.endpoint() + path)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
