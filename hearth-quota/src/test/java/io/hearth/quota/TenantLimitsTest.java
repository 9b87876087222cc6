package io.hearth.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hearth.api.ErrorType;
import io.hearth.deployment.Deployment;
import io.hearth.deployment.HearthTags;
import io.hearth.deployment.ServerProtocol;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TenantLimitsTest {
    private static final NodeMemory SIXTEEN_GIB = new NodeMemory(16L << 30, 16L << 30);
    private static final Caller A = new Caller("111111111111", Optional.empty());
    private static final Caller B = new Caller("222222222222", Optional.empty());
    private final AtomicLong now = new AtomicLong();

    @Test
    void aTenantsOwnActiveSessionLimitAppliesAtOnceAndOnlyToIt() {
        var quotas = new Quotas(QuotaSettings.DEFAULT.withActiveSessionsPerTenant(3), SIXTEEN_GIB, now::get);
        quotas.setTenantLimits(B.tenant(), TenantLimits.of(Map.of(TenantLimits.ACTIVE_SESSIONS, 1)));
        Lease held = quotas.admitSession(B);
        assertThatThrownBy(() -> quotas.admitSession(B))
                .isInstanceOfSatisfying(QuotaRefusal.Exceeded.class, e -> {
                    assertThat(e.kind()).isEqualTo(QuotaKind.ACTIVE_SESSIONS);
                    assertThat(e.toApi().type()).isEqualTo(ErrorType.SERVICE_QUOTA_EXCEEDED);
                })
                .hasMessageContaining("account 222222222222 has 1 of at most 1 active sessions")
                .hasMessageContaining(TenantLimits.ACTIVE_SESSIONS);
        for (int i = 0; i < 3; i++) {
            quotas.admitSession(A); // the server's limit of 3
        }
        assertThatThrownBy(() -> quotas.admitSession(A)).hasMessageContaining("--max-active-sessions");

        quotas.setTenantLimits(B.tenant(), TenantLimits.NONE);
        quotas.admitSession(B);
        quotas.admitSession(B);
        assertThatThrownBy(() -> quotas.admitSession(B)).hasMessageContaining("3 of at most 3");
        held.close();
        quotas.admitSession(B);
    }

    @Test
    void zeroRefusesEverySessionAndEveryInvocation() {
        var quotas = new Quotas(QuotaSettings.DEFAULT, SIXTEEN_GIB, now::get);
        quotas.setTenantLimits(B.tenant(), TenantLimits.of(Map.of(TenantLimits.ACTIVE_SESSIONS, 0,
                TenantLimits.INVOCATIONS_PER_SECOND, 0)));
        assertThatThrownBy(() -> quotas.admitSession(B)).isInstanceOf(QuotaRefusal.Exceeded.class);
        Deployment d = deployment("a-0123456789");
        assertThatThrownBy(() -> quotas.checkInvocation(B, d))
                .isInstanceOfSatisfying(QuotaRefusal.Throttled.class,
                        e -> assertThat(e.kind()).isEqualTo(QuotaKind.TENANT_INVOCATION_RATE));
        quotas.checkInvocation(A, d);
    }

    @Test
    void aTenantWideInvocationRateSpansItsEndpointsAndRefills() {
        var quotas = new Quotas(QuotaSettings.DEFAULT, SIXTEEN_GIB, now::get);
        quotas.setTenantLimits(B.tenant(), TenantLimits.of(Map.of(TenantLimits.INVOCATIONS_PER_SECOND, 2)));
        quotas.checkInvocation(B, deployment("a-0123456789"));
        quotas.checkInvocation(B, deployment("b-0123456789"));
        assertThatThrownBy(() -> quotas.checkInvocation(B, deployment("c-0123456789")))
                .hasMessageStartingWith("Rate exceeded: account 222222222222 makes at most 2")
                .hasMessageContaining(TenantLimits.INVOCATIONS_PER_SECOND);
        assertThat(quotas.refusals(QuotaKind.TENANT_INVOCATION_RATE)).isEqualTo(1);
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        quotas.checkInvocation(B, deployment("c-0123456789"));
    }

    @Test
    void limitsAreValidatedWithTheNameTheValueAndWhatWasExpected() {
        assertThatThrownBy(() -> TenantLimits.of(Map.of(TenantLimits.AGENTS, -1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxAgents: -1 (expected: a whole number from 0 to 10000000)");
        assertThatThrownBy(() -> TenantLimits.of(Map.of("maxWidgets", 1)))
                .hasMessageStartingWith("maxWidgets: not a tenant limit (expected: one of maxActiveSessions");
        var limits = TenantLimits.of(Map.of(TenantLimits.AGENTS, 1));
        assertThat(limits.merge(TenantLimits.of(Map.of(TenantLimits.VERSIONS_PER_AGENT, 5))).asMap())
                .containsExactly(Map.entry(TenantLimits.AGENTS, 1), Map.entry(TenantLimits.VERSIONS_PER_AGENT, 5));
        assertThat(limits.agents()).isEqualTo(OptionalInt.of(1));
        assertThat(TenantLimits.NONE.isEmpty()).isTrue();
    }

    @Test
    void snapshotAndMetricsShowEachTenantsLimit() {
        var quotas = new Quotas(QuotaSettings.DEFAULT.withActiveSessionsPerTenant(5), SIXTEEN_GIB, now::get);
        var registry = new SimpleMeterRegistry();
        quotas.bindTo(registry);
        quotas.setTenantLimits(B.tenant(), TenantLimits.of(Map.of(TenantLimits.ACTIVE_SESSIONS, 2)));
        quotas.admitSession(A);
        assertThat(quotas.snapshot().tenants()).containsExactly(
                new QuotaSnapshot.Tenant(A.tenant(), 1, 5, TenantLimits.NONE),
                new QuotaSnapshot.Tenant(B.tenant(), 0, 2, TenantLimits.of(Map.of(TenantLimits.ACTIVE_SESSIONS, 2))));
        assertThat(registry.get("hearth.quota.tenant.sessions.max").tag("tenant", B.tenant()).gauge().value()).isEqualTo(2.0);
        assertThat(registry.get("hearth.quota.tenant.sessions.max").tag("tenant", A.tenant()).gauge().value()).isEqualTo(5.0);
        quotas.setTenantLimits(B.tenant(), TenantLimits.NONE);
        assertThat(registry.get("hearth.quota.tenant.sessions.max").tag("tenant", B.tenant()).gauge().value()).isEqualTo(5.0);
    }

    private static Deployment deployment(String runtimeId) {
        return new Deployment(runtimeId, "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/" + runtimeId,
                runtimeId.substring(0, 1), "DEFAULT", "1", Path.of("/tmp"), List.of("/bin/true"), Map.of(),
                Duration.ofMinutes(15), Duration.ofHours(8), Set.of(), ServerProtocol.HTTP, false, HearthTags.parse(Map.of()));
    }
}
