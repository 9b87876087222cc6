package io.hearth.server.internal;

import io.hearth.deployment.Deployment;
import io.hearth.launcher.WarmSandbox;
import io.hearth.launcher.WarmSandboxes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;

/**
 * Counts how new sessions got their sandbox, {@code hearth_session_starts_total{start="pooled|cold"}}: every new
 * session asks the pools first, and a miss is a cold start. The pools' own claim counters exist only for endpoints
 * that have a pool; this one counts every session.
 */
public final class SessionStartMeter implements WarmSandboxes {
    private final WarmSandboxes pools;
    private final Counter pooled;
    private final Counter cold;

    public SessionStartMeter(WarmSandboxes pools, MeterRegistry meters) {
        this.pools = pools;
        this.pooled = counter(meters, "pooled");
        this.cold = counter(meters, "cold");
    }

    private static Counter counter(MeterRegistry meters, String start) {
        return Counter.builder("hearth.session.starts").description("New sessions, by where their sandbox came from")
                .tag("start", start).register(meters);
    }

    @Override
    public Optional<WarmSandbox> claim(Deployment deployment) {
        Optional<WarmSandbox> claimed = pools.claim(deployment);
        (claimed.isPresent() ? pooled : cold).increment();
        return claimed;
    }

    @Override
    public void arrived(Deployment deployment) {
        pools.arrived(deployment);
    }
}
