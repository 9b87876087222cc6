package io.hearth.session;

import io.hearth.deployment.Deployment;
import io.hearth.deployment.SessionBudgets;
import io.hearth.sandbox.Sandbox;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one session has used of its budget (docs/budgets.md): invocations and streamed bytes are counted as they
 * happen; wall-clock and CPU time are checked on the health ticker. Each check returns the end detail, naming the
 * budget, its limit and the value that crossed it, once the session is over one.
 */
final class SessionBudget {
    static final SessionBudget NONE = new SessionBudget(SessionBudgets.Limits.NONE);

    private final SessionBudgets.Limits limits;
    /** The principal's budget, which names the kinds where it is the smaller. */
    private final Optional<SessionBudgets.PrincipalLimits> principal;
    private final AtomicLong invocations = new AtomicLong();
    private final AtomicLong streamedBytes = new AtomicLong();

    private SessionBudget(SessionBudgets.Limits limits) {
        this(limits, Optional.empty());
    }

    private SessionBudget(SessionBudgets.Limits limits, Optional<SessionBudgets.PrincipalLimits> principal) {
        this.limits = limits;
        this.principal = principal;
    }

    static SessionBudget of(Deployment deployment) {
        return of(deployment, Optional.empty());
    }

    /** The runtime's or endpoint's budget, within the principal's where it has one. */
    static SessionBudget of(Deployment deployment, Optional<SessionBudgets.PrincipalLimits> principal) {
        SessionBudgets.Limits own = deployment.settings().budgets().forEndpoint(deployment.endpointName());
        SessionBudgets.Limits limits = principal.map(p -> own.within(p.limits())).orElse(own);
        return limits.isEmpty() ? NONE : new SessionBudget(limits, principal);
    }

    /** Counts one request in; the detail when it is one more than the budget allows. */
    Optional<String> invocation() {
        if (limits.invocations().isEmpty()) {
            return Optional.empty();
        }
        return over(SessionBudgets.INVOCATIONS, limits.invocations(), invocations.incrementAndGet(), " invocations");
    }

    /** Counts bytes of an agent's answer on their way to the caller. */
    Optional<String> streamed(long bytes) {
        if (limits.streamedBytes().isEmpty()) {
            return Optional.empty();
        }
        return over(SessionBudgets.STREAMED_BYTES, limits.streamedBytes(), streamedBytes.addAndGet(bytes), " bytes");
    }

    /** The budgets that time alone may exhaust: the session's age and its sandbox's CPU time. */
    Optional<String> check(Duration age, Optional<Sandbox> sandbox) {
        if (limits.wallClockSeconds().isPresent() && age.getSeconds() >= limits.wallClockSeconds().getAsLong()) {
            return over(SessionBudgets.WALL_CLOCK_SECONDS, limits.wallClockSeconds(), age.getSeconds(), " s");
        }
        if (limits.cpuSeconds().isPresent() && sandbox.isPresent()) {
            Optional<Duration> cpu = sandbox.get().usage().map(u -> u.cpuTime());
            if (cpu.isPresent() && cpu.get().toMillis() >= limits.cpuSeconds().getAsLong() * 1000) {
                return Optional.of(detail(SessionBudgets.CPU_SECONDS, limits.cpuSeconds().getAsLong() + " s",
                        String.format("%.1f s", cpu.get().toMillis() / 1000.0)));
            }
        }
        return Optional.empty();
    }

    private Optional<String> over(String kind, OptionalLong limit, long value, String unit) {
        boolean reached = kind.equals(SessionBudgets.WALL_CLOCK_SECONDS) ? value >= limit.getAsLong() : value > limit.getAsLong();
        return reached ? Optional.of(detail(kind, limit.getAsLong() + unit, value + unit)) : Optional.empty();
    }

    private String detail(String kind, String limit, String value) {
        String source = principal.filter(p -> p.limits().of(kind).equals(limits.of(kind)))
                .map(p -> "principal budget of " + p.principal())
                .orElse("tag " + SessionBudgets.PREFIX + kind);
        return "the session's " + kind + " budget of " + limit + " was used up (value: " + value + "; " + source + ")";
    }
}
