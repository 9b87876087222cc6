package io.hearth.bench.internal;

import io.hearth.bench.Row;
import io.hearth.bench.Section;
import io.hearth.bench.Target;
import io.hearth.bench.Unit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Live idle sessions of the small Python agent (process driver): as many as fit before the count, the time budget
 * or the host's free memory runs out. Baseline: the same agents started by hand under the same limits. Both are
 * held past a couple of Hearth ping rounds, then counted; Hearth's heap is read after full collections.
 */
public final class DensityMeasurement implements Measurement {
    /** Process creation here barely scales past one at a time; two keep a start always in flight. */
    private static final int PARALLEL_STARTS = 2;
    private static final double MIB = 1 << 20;
    private static final Duration TEARDOWN = Duration.ofSeconds(150);

    @Override
    public Section section() {
        return Section.DENSITY;
    }

    /** How far one side got and what it cost. */
    record Fill(int held, double seconds, long memoryUsed, String stoppedBecause) {}

    @Override
    public SectionResult run(BenchContext context) {
        var config = context.config();
        String section = Section.DENSITY.title();
        Target goal = new Target.AtLeast(config.densityMax());
        if (!AgentArtifacts.pythonAvailable()) {
            return new SectionResult(List.of(Row.skipped(section, "live idle sessions", Unit.SESSIONS, "bare processes", goal,
                    "/usr/bin/python3 not installed")), Map.of());
        }
        Fill bare = fillBare(context);
        context.progress().say("density: %,d bare agents held (%s), %.1f MiB each", bare.held(), bare.stoppedBecause(),
                bare.memoryUsed() / MIB / Math.max(1, bare.held()));
        Readiness.sleepMillis(1_000); // let the kernel take the bare agents' memory back before the Hearth side counts

        HearthNode hearth = context.hearth();
        DeployedRuntime runtime = hearth.deploy("density", context.artifacts().pythonAgent(), "PYTHON_3_12",
                List.of(AgentArtifacts.PYTHON_ENTRY), Map.of());
        long heapBefore = HostFacts.retainedHeap();
        Fill sessions;
        long heapAfter;
        double teardownSeconds;
        try {
            sessions = fillHearth(context, hearth, runtime);
            heapAfter = HostFacts.retainedHeap();
        } finally {
            teardownSeconds = endAll(context, hearth, runtime);
        }
        context.progress().say("density: Hearth ended its sessions in %.1f s", teardownSeconds);
        double heapPerSessionKiB = sessions.held() == 0 ? 0 : Math.max(0, heapAfter - heapBefore) / 1024.0 / sessions.held();
        double barePerAgentMiB = bare.memoryUsed() / MIB / Math.max(1, bare.held());
        double hearthPerSessionMiB = sessions.memoryUsed() / MIB / Math.max(1, sessions.held());
        context.progress().say("density: %,d Hearth sessions held (%s), %.1f MiB each, Hearth heap %.1f KiB each",
                sessions.held(), sessions.stoppedBecause(), hearthPerSessionMiB, heapPerSessionKiB);

        var rows = List.of(
                Row.measured(section, "live idle sessions (Python agent, process driver)", Unit.SESSIONS, "bare processes",
                        bare.held(), sessions.held(), goal, Notes.join("bare: " + bare.stoppedBecause(),
                                "Hearth: " + sessions.stoppedBecause(),
                                String.format("filled in %.0f s (bare %.0f s); DeleteAgentRuntime ended them in %.0f s",
                                        sessions.seconds(), bare.seconds(), teardownSeconds))),
                Row.measured(section, "host memory per live session", Unit.MEBIBYTES, "bare process",
                        barePerAgentMiB, hearthPerSessionMiB, new Target.None(), "fall in MemAvailable / sessions"),
                Row.measured(section, "Hearth heap per live session", Unit.KIBIBYTES, "agent's own memory",
                        barePerAgentMiB * 1024, heapPerSessionKiB, new Target.None(),
                        "retained heap after full GC, before vs with all sessions live"));
        var details = new LinkedHashMap<String, Object>();
        details.put("bare", bare);
        details.put("hearth", sessions);
        details.put("hearthHeapBeforeBytes", heapBefore);
        details.put("hearthHeapAfterBytes", heapAfter);
        details.put("hearthTeardownSeconds", teardownSeconds);
        return new SectionResult(rows, details);
    }

    private Fill fillBare(BenchContext context) {
        var config = context.config();
        var agents = Collections.synchronizedList(new ArrayList<BareAgent>());
        long before = HostFacts.availableMemory();
        try {
            Fill fill = fill(context, "bare", () -> {
                var agent = BareAgent.start(context.artifacts().pythonProgram(), Ports.free(), context.logFile("density-bare"));
                agents.add(agent);
                agent.awaitReady(Duration.ofSeconds(30), Duration.ofMillis(10));
            });
            Readiness.sleepMillis(hold(config.smoke()));
            long used = Math.max(0, before - HostFacts.availableMemory());
            int alive = (int) agents.stream().filter(BareAgent::isAlive).count();
            return new Fill(Math.min(alive, fill.held()), fill.seconds(), used, fill.stoppedBecause());
        } finally {
            agents.forEach(BareAgent::requestStop);
            agents.forEach(BareAgent::close);
        }
    }

    private Fill fillHearth(BenchContext context, HearthNode hearth, DeployedRuntime runtime) {
        long before = HostFacts.availableMemory();
        String path = HearthNode.invocationPath(runtime);
        Fill fill = fill(context, "Hearth", () -> Readiness.hearthFirstByte(hearth.address(), path, HearthNode.SESSION_HEADER,
                HearthNode.newSessionId()));
        // Held past Hearth's ping rounds (every 2 s), so a session counted is one Hearth keeps, not one it is losing.
        Readiness.sleepMillis(hold(context.config().smoke()));
        long used = Math.max(0, before - HostFacts.availableMemory());
        var all = hearth.sessions(runtime, false);
        int live = (int) all.stream().filter(s -> !s.has("endedAt")).count();
        var ended = new TreeMap<String, Integer>();
        all.stream().filter(s -> s.has("endedAt")).forEach(s -> ended.merge(s.path("endReason").asString("?"), 1, Integer::sum));
        String why = ended.isEmpty() ? fill.stoppedBecause() : fill.stoppedBecause() + "; ended meanwhile: " + ended;
        return new Fill(Math.min(live, fill.held()), fill.seconds(), used, why);
    }

    private static long hold(boolean smoke) {
        return smoke ? 500 : 5_000;
    }

    private interface Start {
        void run() throws Exception;
    }

    /** Starts until one of the limits is reached; returns how many started and which limit stopped it. */
    private static Fill fill(BenchContext context, String label, Start start) {
        var config = context.config();
        var started = new AtomicInteger();
        var claimed = new AtomicInteger();
        var stop = new AtomicBoolean();
        var why = new AtomicReference<String>();
        long t0 = System.nanoTime();
        long deadline = t0 + config.densityBudget().toNanos();
        try (ExecutorService workers = Executors.newFixedThreadPool(PARALLEL_STARTS)) {
            for (int w = 0; w < PARALLEL_STARTS; w++) {
                workers.submit(() -> {
                    while (!stop.get()) {
                        if (claimed.incrementAndGet() > config.densityMax()) {
                            return;
                        }
                        if (System.nanoTime() > deadline) {
                            why.compareAndSet(null, "time budget of " + config.densityBudget().toSeconds() + " s");
                            stop.set(true);
                            return;
                        }
                        if (HostFacts.availableMemory() < config.densityMemoryFloor()) {
                            why.compareAndSet(null, String.format("host memory below %.1f GiB",
                                    config.densityMemoryFloor() / (double) (1L << 30)));
                            stop.set(true);
                            return;
                        }
                        try {
                            start.run();
                            int n = started.incrementAndGet();
                            if (n % 100 == 0) {
                                context.progress().say("density %s: %,d live", label, n);
                            }
                        } catch (Exception e) {
                            why.compareAndSet(null, "start failed: " + e.getMessage());
                            stop.set(true);
                            return;
                        }
                    }
                });
            }
            workers.shutdown();
            workers.awaitTermination(config.densityBudget().toSeconds() + 60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String stopped = why.get() != null ? why.get() : "reached " + config.densityMax();
        return new Fill(started.get(), (System.nanoTime() - t0) / 1e9, 0, stopped);
    }

    /**
     * Deletes the runtime, which ends its sessions, and waits (bounded) until none is live; returns how long that
     * took, which the report shows: ending a thousand sessions is part of what density costs.
     */
    private static double endAll(BenchContext context, HearthNode hearth, DeployedRuntime runtime) {
        context.progress().say("density: deleting the runtime, ending its sessions");
        long started = System.nanoTime();
        long deadline = started + TEARDOWN.toNanos();
        try {
            hearth.delete(runtime, TEARDOWN);
        } catch (RuntimeException e) {
            context.progress().say("density: DeleteAgentRuntime did not answer in time (%s); waiting for the sessions", e.getMessage());
        }
        while (System.nanoTime() < deadline) {
            try {
                if (hearth.sessions(runtime, true).isEmpty()) {
                    break;
                }
            } catch (RuntimeException e) {
                break; // the runtime is gone and so is its session list
            }
            Readiness.sleepMillis(200);
        }
        return (System.nanoTime() - started) / 1e9;
    }
}
