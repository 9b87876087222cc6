package io.hearth.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hearth.api.ErrorType;
import io.hearth.deployment.Deployment;
import io.hearth.deployment.HearthTags;
import io.hearth.deployment.ServerProtocol;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class QuotasTest {
    private static final NodeMemory SIXTEEN_GIB = new NodeMemory(16L << 30, 16L << 30);
    private final AtomicLong now = new AtomicLong();

    @Test
    void invocationsAreThrottledPerEndpointWithAMessageNamingTheEndpointLimitAndSetting() {
        var quotas = new Quotas(QuotaSettings.DEFAULT.withInvocations(RateLimit.perSecond(2, 3)), SIXTEEN_GIB, now::get);
        Deployment a = deployment("a-0123456789", Map.of());
        Caller caller = Caller.owner(a);
        for (int i = 0; i < 3; i++) {
            quotas.checkInvocation(caller, a);
        }
        assertThatThrownBy(() -> quotas.checkInvocation(caller, a))
                .isInstanceOfSatisfying(QuotaRefusal.Throttled.class, e -> {
                    assertThat(e.kind()).isEqualTo(QuotaKind.INVOCATION_RATE);
                    assertThat(e.toApi().type()).isEqualTo(ErrorType.THROTTLING);
                })
                .hasMessageStartingWith("Rate exceeded")
                .hasMessageContaining("endpoint DEFAULT of agent runtime a-0123456789")
                .hasMessageContaining("2/s (burst 3)")
                .hasMessageContaining("--invocations-per-second")
                .hasMessageContaining(HearthTags.QUOTA_INVOCATIONS_PER_SECOND);
        quotas.checkInvocation(caller, deployment("b-0123456789", Map.of())); // another endpoint: its own bucket
        assertThat(quotas.refusals(QuotaKind.INVOCATION_RATE)).isEqualTo(1);
        assertThat(caller.tenant()).isEqualTo("123456789012");
    }

    @Test
    void aRuntimeTagReplacesTheServerRateAndKeepsTheBurstRatio() {
        var quotas = new Quotas(QuotaSettings.DEFAULT, SIXTEEN_GIB, now::get);
        var tags = HearthTags.parse(Map.of(HearthTags.QUOTA_INVOCATIONS_PER_SECOND, "4"));
        assertThat(quotas.invocationLimit(tags)).isEqualTo(RateLimit.perSecond(4, 8));
        tags = HearthTags.parse(Map.of(HearthTags.QUOTA_NEW_SESSIONS_PER_MINUTE, "3", HearthTags.QUOTA_NEW_SESSION_BURST, "1"));
        assertThat(quotas.newSessionLimit(tags)).isEqualTo(RateLimit.perMinute(3, 1));
        assertThatThrownBy(() -> HearthTags.parse(Map.of(HearthTags.QUOTA_INVOCATIONS_PER_SECOND, "0")))
                .hasMessageContaining("hearth:quota:invocationsPerSecond: 0");
    }

    @Test
    void perPrincipalRateBucketsAreForgottenOnceIdleAndFull() {
        var quotas = new Quotas(QuotaSettings.UNLIMITED.withPerPrincipal(OptionalInt.empty(),
                Optional.of(RateLimit.perSecond(1, 2))), SIXTEEN_GIB, now::get);
        Deployment d = deployment("a-0123456789", Map.of());
        for (int i = 0; i < 1_000; i++) {
            quotas.checkInvocation(Caller.of(d, "AKIDEXAMPLE/user-" + i), d);
        }
        assertThat(quotas.principalRateBuckets()).isEqualTo(1_000);

        now.addAndGet(Quotas.PRINCIPAL_BUCKET_IDLE.toNanos());
        quotas.checkInvocation(Caller.of(d, "AKIDEXAMPLE/back"), d);
        assertThat(quotas.principalRateBuckets()).isEqualTo(1);
    }

    @Test
    void newSessionsPerMinuteRefillOverTime() {
        var quotas = new Quotas(QuotaSettings.DEFAULT.withNewSessions(RateLimit.perMinute(60, 2)), SIXTEEN_GIB, now::get);
        Deployment d = deployment("a-0123456789", Map.of());
        Caller caller = Caller.owner(d);
        quotas.checkNewSession(caller, d);
        quotas.checkNewSession(caller, d);
        assertThatThrownBy(() -> quotas.checkNewSession(caller, d)).hasMessageContaining("new sessions")
                .hasMessageContaining("--new-sessions-per-minute");
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        quotas.checkNewSession(caller, d);
    }

    @Test
    void activeSessionsAreCountedPerTenantAndALeaseGivesBackOnceHoweverOftenClosed() {
        var quotas = new Quotas(QuotaSettings.DEFAULT.withActiveSessionsPerTenant(2), SIXTEEN_GIB, now::get);
        Caller caller = new Caller("111111111111", java.util.Optional.empty());
        Lease first = quotas.admitSession(caller);
        quotas.admitSession(caller);
        assertThatThrownBy(() -> quotas.admitSession(caller))
                .isInstanceOfSatisfying(QuotaRefusal.Exceeded.class,
                        e -> assertThat(e.toApi().type()).isEqualTo(ErrorType.SERVICE_QUOTA_EXCEEDED))
                .hasMessageContaining("2 of at most 2 active sessions");
        quotas.admitSession(new Caller("222222222222", java.util.Optional.empty())); // another tenant
        first.close();
        first.close();
        quotas.admitSession(caller);
        assertThatThrownBy(() -> quotas.admitSession(caller)).isInstanceOf(QuotaRefusal.Exceeded.class);
    }

    @Test
    void theMemoryBudgetComesFromAvailableMemoryLessTheReserveTimesTheOvercommit() {
        // 16 GiB available - 4 GiB reserve = 12 GiB; x1 overcommit: one 8 GiB sandbox, or three of 4 GiB.
        var quotas = new Quotas(QuotaSettings.DEFAULT.withMemory(4L << 30, 1.0), SIXTEEN_GIB, now::get);
        Lease big = quotas.admitSandbox(8L << 30);
        assertThatThrownBy(() -> quotas.admitSandbox(8L << 30))
                .isInstanceOf(QuotaRefusal.Exceeded.class)
                .hasMessageStartingWith("maxVms limit exceeded")
                .hasMessageContaining("--memory-overcommit");
        quotas.admitSandbox(4L << 30);
        big.close();
        quotas.admitSandbox(4L << 30);
        quotas.admitSandbox(4L << 30);
        assertThat(quotas.liveSandboxes()).isEqualTo(3);
        assertThatThrownBy(() -> quotas.admitSandbox(1L << 20)).isInstanceOf(QuotaRefusal.Exceeded.class);
    }

    @Test
    void anExplicitCapReplacesTheMemoryBudget() {
        var quotas = new Quotas(QuotaSettings.DEFAULT.withMaxSandboxes(OptionalInt.of(2)), new NodeMemory(1L << 30, 1L << 30));
        quotas.admitSandbox(8L << 30);
        Lease second = quotas.admitSandbox(8L << 30);
        assertThatThrownBy(() -> quotas.admitSandbox(1)).hasMessageContaining("2 of at most 2 live sandboxes (--max-sandboxes)");
        second.close();
        quotas.admitSandbox(1);
        assertThat(quotas.snapshot().node().liveSandboxes()).isEqualTo(2);
    }

    @Test
    void coldStartsBeyondTheCapWaitTheirTurnThenAreThrottledWhenTheQueueIsFull() throws Exception {
        var quotas = new Quotas(QuotaSettings.DEFAULT.withColdStarts(1, 1, Duration.ofSeconds(5)), SIXTEEN_GIB);
        Lease running = quotas.admitColdStart();
        var waited = new CountDownLatch(1);
        Thread waiter = Thread.ofVirtual().start(() -> {
            try (Lease turn = quotas.admitColdStart()) {
                waited.countDown();
            }
        });
        while (quotas.snapshot().node().coldStartsWaiting() == 0) {
            Thread.sleep(5);
        }
        long before = System.nanoTime();
        assertThatThrownBy(quotas::admitColdStart).isInstanceOf(QuotaRefusal.Throttled.class)
                .hasMessageContaining("--max-cold-starts");
        assertThat(Duration.ofNanos(System.nanoTime() - before)).as("a full queue refuses at once").isLessThan(Duration.ofSeconds(1));
        running.close();
        waiter.join();
        assertThat(waited.getCount()).isZero();
        assertThat(quotas.snapshot().node().coldStartsRunning()).isZero();

        var impatient = new Quotas(QuotaSettings.DEFAULT.withColdStarts(1, 4, Duration.ofMillis(100)), SIXTEEN_GIB);
        impatient.admitColdStart();
        assertThatThrownBy(impatient::admitColdStart).hasMessageContaining("none ended within 100 ms");
    }

    @Test
    void concurrentSandboxAdmissionsNeverPassTheCapAndAllReleasesReturnToZero() throws Exception {
        var quotas = new Quotas(QuotaSettings.DEFAULT.withMaxSandboxes(OptionalInt.of(5)), SIXTEEN_GIB);
        var most = new AtomicLong();
        var threads = new ArrayList<Thread>();
        for (int t = 0; t < 32; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 2_000; i++) {
                    try (Lease lease = quotas.admitSandbox(1)) {
                        most.accumulateAndGet(quotas.liveSandboxes(), Math::max);
                    } catch (QuotaRefusal e) {
                        // expected under contention
                    }
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(most.get()).isBetween(1L, 5L);
        assertThat(quotas.liveSandboxes()).isZero();
        assertThat(quotas.snapshot().node().memoryCommittedBytes()).isZero();
    }

    @Test
    void meminfoIsReadInKibibytes() {
        var memory = NodeMemory.parse("MemTotal:       24684092 kB\nMemFree:        23387824 kB\nMemAvailable:   23871868 kB\n");
        assertThat(memory.totalBytes()).isEqualTo(24684092L * 1024);
        assertThat(memory.availableBytes()).isEqualTo(23871868L * 1024);
        assertThat(NodeMemory.read().totalBytes()).isPositive();
    }

    private static Deployment deployment(String runtimeId, Map<String, String> tags) {
        return new Deployment(runtimeId, "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/" + runtimeId,
                runtimeId.substring(0, 1), "DEFAULT", "1", Path.of("/tmp"), List.of("/bin/true"), Map.of(),
                Duration.ofMinutes(15), Duration.ofHours(8), Set.of(), ServerProtocol.HTTP, false, HearthTags.parse(tags));
    }
}
