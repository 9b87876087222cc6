package io.hearth.bench.internal;

import io.hearth.bench.BenchConfig;
import io.hearth.bench.Row;
import io.hearth.bench.Section;
import io.hearth.bench.Target;
import io.hearth.bench.Unit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Live idle sessions of the small Python agent, per isolation driver: as many as fit before the goal, the time
 * budget or the host's free memory runs out. Baseline: the same agents started by hand under the same kind of
 * isolation ({@link BareSandboxes}). Both sides are held past a couple of Hearth ping rounds, then counted; Hearth's
 * heap is read after full collections, before and with all sessions live.
 */
public final class DensityMeasurement implements Measurement {
    private static final List<String> DRIVERS = List.of("process", "namespaces", "gvisor");
    private static final String ISOLATION_TAG = "hearth:isolation";
    /** gVisor costs 30-45 MiB per idle Python sandbox: on a 24 GiB node that is about 550, the goal it is held to. */
    private static final int GVISOR_GOAL = 550;
    private static final double HEAP_TARGET_KIB = 50;
    private static final double MIB = 1 << 20;
    private static final double GIB = 1L << 30;
    private static final Duration TEARDOWN = Duration.ofSeconds(150);
    private static final int MAX_FAILED_STARTS = 3;
    private static final int BARE_ATTEMPTS = 2;
    /** Stop short of kernel.pid_max: past it nothing on the host can fork, Hearth and the bench included. */
    private static final double PID_HEADROOM = 0.9;

    @Override
    public Section section() {
        return Section.DENSITY;
    }

    /** How far one side got and what it cost. */
    record Fill(int held, double seconds, long memoryUsed, long tasksAdded, String stoppedBecause) {}

    /** A runtime on a server that runs the driver, and whether that server is a dedicated one to close. */
    private record Placement(HearthNode node, DeployedRuntime runtime, boolean dedicated, String how) {}

    @Override
    public SectionResult run(BenchContext context) {
        var rows = new ArrayList<Row>();
        var details = new LinkedHashMap<String, Object>();
        for (String driver : DRIVERS) {
            var config = context.config();
            int goal = goal(config, driver);
            Optional<String> unavailable = AgentArtifacts.pythonAvailable() ? DriverProbe.unavailable(driver,
                    context.workDir().resolve("density-probe-" + driver)) : Optional.of("/usr/bin/python3 not installed");
            if (unavailable.isPresent()) {
                context.progress().say("density %s skipped: %s", driver, unavailable.get());
                rows.add(Row.skipped(Section.DENSITY.title(), sessionsRow(driver), Unit.SESSIONS, BareSandboxes.name(driver),
                        new Target.AtLeast(goal), driver + " cannot run here: " + firstLine(unavailable.get())));
                details.put(driver, Map.of("skipped", unavailable.get()));
                continue;
            }
            try {
                measure(context, driver, goal, rows, details);
            } catch (RuntimeException e) {
                context.progress().say("density %s failed: %s", driver, e.getMessage());
                rows.add(Row.skipped(Section.DENSITY.title(), sessionsRow(driver), Unit.SESSIONS, BareSandboxes.name(driver),
                        new Target.AtLeast(goal), "error: " + e.getMessage()));
                details.put(driver, Map.of("error", String.valueOf(e.getMessage())));
            }
        }
        return new SectionResult(rows, details);
    }

    private static int goal(BenchConfig config, String driver) {
        return driver.equals("gvisor") ? Math.min(GVISOR_GOAL, config.densityMax()) : config.densityMax();
    }

    /** gVisor starts take about a second of CPU each: it gets half as long again, still under three minutes. */
    private static Duration budget(BenchConfig config, String driver) {
        return driver.equals("gvisor") && !config.smoke() ? config.densityBudget().multipliedBy(3).dividedBy(2) : config.densityBudget();
    }

    /** Starts in flight at once: process creation barely scales past two here; sandboxes wait on more than the CPU. */
    private static int parallelStarts(String driver) {
        return switch (driver) {
            case "gvisor" -> 4;
            case "namespaces" -> 3;
            default -> 2;
        };
    }

    private static String sessionsRow(String driver) {
        return "live idle sessions (Python agent, " + driver + ")";
    }

    private void measure(BenchContext context, String driver, int goal, List<Row> rows, Map<String, Object> details) {
        String section = Section.DENSITY.title();
        String baselineName = BareSandboxes.name(driver);
        long availableAtStart = HostFacts.availableMemory();
        Fill bare = fillBare(context, driver, goal);
        context.progress().say("density %s: %,d bare agents held (%s), %.1f MiB each", driver, bare.held(),
                bare.stoppedBecause(), bare.memoryUsed() / MIB / Math.max(1, bare.held()));
        Readiness.sleepMillis(1_000); // let the kernel take the bare agents' memory back before the Hearth side counts

        Placement placement = place(context, driver);
        HearthNode hearth = placement.node();
        Fill sessions;
        long heapBefore;
        long heapAfter;
        double teardownSeconds;
        try {
            heapBefore = hearth.heapAfterFullGcBytes();
            sessions = fillHearth(context, driver, goal, hearth, placement.runtime());
            heapAfter = hearth.heapAfterFullGcBytes();
        } finally {
            teardownSeconds = endAll(context, hearth, placement.runtime());
            if (placement.dedicated()) {
                hearth.close();
            }
        }
        List<String> left = SandboxLeftovers.awaitNone(context.workDir(), Duration.ofSeconds(30));
        context.progress().say("density %s: Hearth ended its sessions in %.1f s; sandbox processes left: %s", driver,
                teardownSeconds, left.isEmpty() ? "none" : left.size() + " " + left.stream().limit(3).toList());
        double heapPerSessionKiB = sessions.held() == 0 ? 0 : Math.max(0, heapAfter - heapBefore) / 1024.0 / sessions.held();
        double barePerAgentMiB = bare.memoryUsed() / MIB / Math.max(1, bare.held());
        double hearthPerSessionMiB = sessions.memoryUsed() / MIB / Math.max(1, sessions.held());
        context.progress().say("density %s: %,d Hearth sessions held (%s), %.1f MiB each, Hearth heap %.1f KiB each", driver,
                sessions.held(), sessions.stoppedBecause(), hearthPerSessionMiB, heapPerSessionKiB);

        rows.add(Row.measured(section, sessionsRow(driver), Unit.SESSIONS, baselineName, bare.held(), sessions.held(),
                new Target.AtLeast(goal), Notes.join("Hearth: " + sessions.stoppedBecause(), "bare: " + bare.stoppedBecause(),
                        fits(goal, hearthPerSessionMiB, availableAtStart, context.config().densityMemoryFloor(), sessions.held()),
                        String.format("filled in %.0f s (bare %.0f s); DeleteAgentRuntime ended them in %.0f s", sessions.seconds(),
                                bare.seconds(), teardownSeconds),
                        String.format("host tasks (processes + threads) per session: %.0f (bare %.0f), kernel.pid_max %,d",
                                sessions.tasksAdded() / (double) Math.max(1, sessions.held()),
                                bare.tasksAdded() / (double) Math.max(1, bare.held()), ProcessFacts.pidMax()),
                        placement.how(), BareSandboxes.how(driver),
                        left.isEmpty() ? "" : "sandbox processes left after teardown: " + left.size())));
        rows.add(Row.measured(section, "host memory per live session (" + driver + ")", Unit.MEBIBYTES, baselineName.replace("processes", "process"),
                barePerAgentMiB, hearthPerSessionMiB, new Target.None(), "fall in MemAvailable / sessions"));
        rows.add(Row.measured(section, "Hearth heap per live session (" + driver + ")", Unit.KIBIBYTES, "agent's own memory",
                barePerAgentMiB * 1024, heapPerSessionKiB,
                // A few sessions' heap is within the noise of two full-GC readings: a smoke run shows it, never judges it.
                context.config().smoke() ? new Target.None() : new Target.AtMost(HEAP_TARGET_KIB),
                Notes.join("heap Hearth's process retains after a forced full GC, before vs with all sessions live",
                        context.config().smoke() ? "smoke run: too few sessions to judge the ≤ 50 KiB target" : "")));
        var detail = new LinkedHashMap<String, Object>();
        detail.put("bare", bare);
        detail.put("hearth", sessions);
        detail.put("placement", placement.how());
        detail.put("hearthHeapBeforeBytes", heapBefore);
        detail.put("hearthHeapAfterBytes", heapAfter);
        detail.put("hearthTeardownSeconds", teardownSeconds);
        detail.put("availableMemoryAtStartBytes", availableAtStart);
        detail.put("sandboxProcessesLeft", left);
        details.put(driver, detail);
    }

    /**
     * Whether the goal fits in this host's memory at the measured cost per session: says so when the run stopped short
     * of the goal for another reason (time), so the row answers "would they fit" too.
     */
    private static String fits(int goal, double perSessionMiB, long availableAtStart, long floor, int held) {
        if (held >= goal || perSessionMiB <= 0) {
            return "";
        }
        double needGiB = goal * perSessionMiB / 1024;
        double haveGiB = Math.max(0, availableAtStart - floor) / GIB;
        return String.format("at %.1f MiB each, %,d sessions need %.1f GiB; %.1f GiB was available above the %.0f GiB floor: %s",
                perSessionMiB, goal, needGiB, haveGiB, floor / GIB,
                needGiB <= haveGiB ? "they would fit" : "they do not fit (about " + (int) (haveGiB * 1024 / perSessionMiB) + " would)");
    }

    private Fill fillBare(BenchContext context, String driver, int goal) {
        long before = HostFacts.availableMemory();
        long tasksBefore = ProcessFacts.hostTasks();
        try (var bare = BareSandboxes.forDriver(driver, context.workDir())) {
            Path log = context.logFile("density-bare-" + driver);
            var retried = new AtomicInteger();
            var firstRetry = new AtomicReference<String>();
            Fill fill = fill(context, driver, "bare", goal, () -> {
                // runsc now and then fails a start under load ("starting sandbox: no such device"); the baseline
                // retries once, so one flaky start does not end it, and says how often it did.
                for (int attempt = 1; ; attempt++) {
                    var agent = bare.start(context.artifacts().pythonProgram(), Ports.free(), log);
                    try {
                        agent.awaitReady(Duration.ofSeconds(30), Duration.ofMillis(10));
                        return;
                    } catch (RuntimeException e) {
                        String why = e.getMessage() + " (its log ends: " + lastLine(log) + ")";
                        if (attempt >= BARE_ATTEMPTS) {
                            throw new IllegalStateException(why, e);
                        }
                        retried.incrementAndGet();
                        firstRetry.compareAndSet(null, why);
                    }
                }
            });
            Readiness.sleepMillis(hold(context.config().smoke()));
            long used = Math.max(0, before - HostFacts.availableMemory());
            String why = retried.get() == 0 ? fill.stoppedBecause()
                    : fill.stoppedBecause() + "; " + retried.get() + " start(s) retried, first after: " + firstRetry.get();
            return new Fill(Math.min(bare.alive(), fill.held()), fill.seconds(), used, ProcessFacts.hostTasks() - tasksBefore, why);
        }
    }

    private Fill fillHearth(BenchContext context, String driver, int goal, HearthNode hearth, DeployedRuntime runtime) {
        long before = HostFacts.availableMemory();
        long tasksBefore = ProcessFacts.hostTasks();
        String path = HearthNode.invocationPath(runtime);
        Set<String> ours = ConcurrentHashMap.newKeySet();
        Fill fill = fill(context, driver, "Hearth", goal, () -> {
            String session = HearthNode.newSessionId();
            ours.add(session);
            Readiness.hearthFirstByte(hearth.address(), path, HearthNode.SESSION_HEADER, session);
        });
        // Held past Hearth's ping rounds (every 2 s), so a session counted is one Hearth keeps, not one it is losing.
        Readiness.sleepMillis(hold(context.config().smoke()));
        long used = Math.max(0, before - HostFacts.availableMemory());
        long tasks = ProcessFacts.hostTasks() - tasksBefore;
        var all = hearth.sessions(runtime, false).stream().filter(s -> ours.contains(s.path("sessionId").asString())).toList();
        int live = (int) all.stream().filter(s -> !s.has("endedAt")).count();
        var ended = new TreeMap<String, Integer>();
        all.stream().filter(s -> s.has("endedAt")).forEach(s -> ended.merge(s.path("endReason").asString("?"), 1, Integer::sum));
        String why = ended.isEmpty() ? fill.stoppedBecause() : fill.stoppedBecause() + "; ended meanwhile: " + ended;
        return new Fill(Math.min(live, fill.held()), fill.seconds(), used, tasks, why);
    }

    private static long hold(boolean smoke) {
        return smoke ? 500 : 5_000;
    }

    private interface Start {
        void run() throws Exception;
    }

    /** Starts until one of the limits is reached; returns how many started and which limit stopped it. */
    private static Fill fill(BenchContext context, String driver, String label, int goal, Start start) {
        var config = context.config();
        Duration budget = budget(config, driver);
        int parallel = parallelStarts(driver);
        var started = new AtomicInteger();
        var claimed = new AtomicInteger();
        var stop = new AtomicBoolean();
        var why = new AtomicReference<String>();
        var failures = new AtomicInteger();
        long pidMax = ProcessFacts.pidMax();
        var firstFailure = new AtomicReference<String>();
        long t0 = System.nanoTime();
        long deadline = t0 + budget.toNanos();
        try (ExecutorService workers = Executors.newFixedThreadPool(parallel)) {
            for (int w = 0; w < parallel; w++) {
                workers.submit(() -> {
                    while (!stop.get()) {
                        if (claimed.incrementAndGet() > goal) {
                            return;
                        }
                        if (System.nanoTime() > deadline) {
                            why.compareAndSet(null, "stopped at " + started.get() + ": time budget of " + budget.toSeconds() + " s");
                            stop.set(true);
                            return;
                        }
                        if (HostFacts.availableMemory() < config.densityMemoryFloor()) {
                            why.compareAndSet(null, String.format("stopped at %d: less than %.1f GiB free", started.get(),
                                    config.densityMemoryFloor() / GIB));
                            stop.set(true);
                            return;
                        }
                        long tasks = ProcessFacts.hostTasks();
                        if (tasks > PID_HEADROOM * pidMax) {
                            why.compareAndSet(null, String.format("stopped at %d: %,d tasks on the host, near kernel.pid_max (%,d)",
                                    started.get(), tasks, pidMax));
                            stop.set(true);
                            return;
                        }
                        try {
                            start.run();
                            int n = started.incrementAndGet();
                            if (n % 100 == 0) {
                                context.progress().say("density %s %s: %,d live", driver, label, n);
                            }
                        } catch (Exception e) {
                            // One failed start among hundreds is reported, not fatal; a few mean the host is at a limit.
                            firstFailure.compareAndSet(null, e.getMessage());
                            if (failures.incrementAndGet() >= MAX_FAILED_STARTS) {
                                why.compareAndSet(null, "stopped at " + started.get() + ": " + MAX_FAILED_STARTS
                                        + " starts failed, first: " + firstFailure.get());
                                stop.set(true);
                                return;
                            }
                        }
                    }
                });
            }
            workers.shutdown();
            workers.awaitTermination(budget.toSeconds() + 60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String stopped = why.get() != null ? why.get() : "reached " + goal;
        if (failures.get() > 0 && failures.get() < MAX_FAILED_STARTS) {
            stopped += "; " + failures.get() + " start(s) failed, first: " + firstFailure.get();
        }
        return new Fill(started.get(), (System.nanoTime() - t0) / 1e9, 0, 0, stopped);
    }

    /**
     * The runtime on the main server, through the {@code hearth:isolation} tag when the driver is not the server's own
     * and the server honours the tag (seen in the session's isolation); else on a server of its own with that isolation.
     */
    private static Placement place(BenchContext context, String driver) {
        HearthNode main = context.hearth();
        var code = context.artifacts().pythonAgent();
        List<String> entry = List.of(AgentArtifacts.PYTHON_ENTRY);
        if (main.isolation().equals(driver)) {
            return new Placement(main, main.deploy("density_" + driver, code, "PYTHON_3_12", entry, Map.of()), false,
                    "Hearth: main server");
        }
        DeployedRuntime tagged = main.deploy("density_" + driver, code, "PYTHON_3_12", entry, Map.of(ISOLATION_TAG, driver));
        String isolation = main.isolationOfNewSession(tagged);
        if (isolation.equals(driver)) {
            return new Placement(main, tagged, false, "Hearth: main server, runtime tag " + ISOLATION_TAG + "=" + driver);
        }
        main.delete(tagged);
        context.progress().say("density: the %s tag is not honoured here (session ran %s); starting a %s server", ISOLATION_TAG,
                isolation, driver);
        HearthNode own = HearthNode.start(driver, context.workDir().resolve("hearth-density-" + driver), context.http());
        try {
            return new Placement(own, own.deploy("density_" + driver, code, "PYTHON_3_12", entry, Map.of()), true,
                    "Hearth: a server of its own (--isolation " + driver + ")");
        } catch (RuntimeException e) {
            own.close();
            throw e;
        }
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

    /** The last line the bare agents logged: runsc and bwrap say there why a sandbox did not start. */
    private static String lastLine(Path log) {
        try {
            return Files.readAllLines(log).stream().filter(l -> !l.isBlank()).reduce((a, b) -> b).orElse("(empty)");
        } catch (IOException | UncheckedIOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    private static String firstLine(String text) {
        String line = text.lines().findFirst().orElse(text);
        return line.length() > 160 ? line.substring(0, 157) + "..." : line;
    }
}
