package io.hearth.bench.internal;

import io.hearth.bench.Row;
import io.hearth.bench.Section;
import io.hearth.bench.Target;
import io.hearth.bench.Unit;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * New session → first response byte, per isolation driver, against starting the same Python agent by hand and
 * polling its {@code /ping} every millisecond. Bare and Hearth samples alternate, so drift on the machine hits both.
 */
public final class ColdStartMeasurement implements Measurement {
    private static final List<String> DRIVERS = List.of("process", "namespaces", "gvisor");
    private static final String ISOLATION_TAG = "hearth:isolation";
    private static final Duration READY = Duration.ofSeconds(30);

    @Override
    public Section section() {
        return Section.COLD_START;
    }

    @Override
    public SectionResult run(BenchContext context) throws IOException {
        String section = Section.COLD_START.title();
        var rows = new ArrayList<Row>();
        var details = new LinkedHashMap<String, Object>();
        for (String driver : DRIVERS) {
            String measurement = "new session → first byte (" + driver + ")";
            String baselineName = driver.equals("gvisor") ? "bare runsc" : "bare process";
            Target target = new Target.AtMostPlus(driver.equals("gvisor") ? 30 : 15, baselineName);
            if (!AgentArtifacts.pythonAvailable()) {
                rows.add(Row.skipped(section, measurement, Unit.MILLISECONDS, baselineName, target, "/usr/bin/python3 not installed"));
                continue;
            }
            Optional<String> unavailable = DriverProbe.unavailable(driver, context.workDir().resolve("probe-" + driver));
            if (unavailable.isPresent()) {
                context.progress().say("cold start: %s skipped: %s", driver, unavailable.get());
                rows.add(Row.skipped(section, measurement, Unit.MILLISECONDS, baselineName, target,
                        driver + " cannot run here: " + firstSentence(unavailable.get())));
                details.put(driver, Map.of("skipped", unavailable.get()));
                continue;
            }
            try {
                DriverRun run = measure(context, driver);
                double bare = Samples.quantile(run.bareMillis(), 0.5);
                double hearth = Samples.quantile(run.hearthMillis(), 0.5);
                context.progress().say("cold start %s: %s p50 %.1f ms, Hearth p50 %.1f ms", driver, baselineName, bare, hearth);
                rows.add(Row.measured(section, measurement, Unit.MILLISECONDS, baselineName, bare, hearth, target,
                        Notes.join(String.format("median of %d; p90 %s %.1f ms, Hearth %.1f ms", run.bareMillis().size(),
                                baselineName, Samples.quantile(run.bareMillis(), 0.9), Samples.quantile(run.hearthMillis(), 0.9)),
                                run.how())));
                details.put(driver, Map.of("bareMillis", run.bareMillis(), "hearthMillis", run.hearthMillis(), "how", run.how()));
            } catch (RuntimeException e) {
                context.progress().say("cold start %s failed: %s", driver, e.getMessage());
                rows.add(Row.skipped(section, measurement, Unit.MILLISECONDS, baselineName, target,
                        "error: " + e.getMessage()));
                details.put(driver, Map.of("error", String.valueOf(e.getMessage())));
            }
        }
        return new SectionResult(rows, details);
    }

    private record DriverRun(List<Double> bareMillis, List<Double> hearthMillis, String how) {}

    /** A runtime on a server that runs {@code driver}, and whether that server is a dedicated one to close. */
    record Placement(HearthNode node, DeployedRuntime runtime, boolean dedicated, String how) {}

    private DriverRun measure(BenchContext context, String driver) throws IOException {
        // A plain start: with a snapshot template, new gVisor sessions would be clones (the hibernation section
        // measures those against this).
        Placement placement = place(context, driver, "cold_" + driver, Map.of("hearth:snapshotTemplate", "false"));
        BareRunsc runsc = driver.equals("gvisor") ? new BareRunsc(BareRunsc.find(), context.workDir().resolve("bare-runsc")) : null;
        try {
            var bare = new ArrayList<Double>();
            var hearth = new ArrayList<Double>();
            int samples = context.config().coldStartSamples();
            // A full run drops its first pair, which warms the page cache and JITs; a smoke run only checks the path.
            int dropped = context.config().smoke() ? 0 : 1;
            for (int i = 0; i < samples + dropped; i++) {
                double b = bareStart(context, runsc);
                double h = sessionStart(placement);
                if (i >= dropped) {
                    bare.add(b);
                    hearth.add(h);
                }
            }
            return new DriverRun(bare, hearth, placement.how());
        } finally {
            close(placement);
        }
    }

    /** Deletes the placement's runtime, and closes its server when it has one of its own. */
    static void close(Placement placement) {
        placement.node().delete(placement.runtime());
        if (placement.dedicated()) {
            placement.node().close();
        }
    }

    private static double bareStart(BenchContext context, BareRunsc runsc) throws IOException {
        AgentProgram program = context.artifacts().pythonProgram();
        int port = Ports.free();
        BareRunsc.Container container = runsc == null ? null : runsc.prepare(program, port);
        AgentProgram started = container == null ? program : container.program();
        try (var agent = BareAgent.start(started, port, context.logFile("bare-cold"))) {
            agent.awaitReady(READY);
            long firstByte = Readiness.firstByte(agent.address(), "/invocations");
            return (firstByte - agent.startedNanos()) / 1e6;
        } finally {
            if (container != null) {
                runsc.remove(container);
            }
        }
    }

    private static double sessionStart(Placement placement) throws IOException {
        String session = HearthNode.newSessionId();
        double millis = firstByteMillis(placement, session);
        placement.node().stopSession(placement.runtime(), session);
        return millis;
    }

    /** A call on {@code session} (new, asleep or live) → its first response byte, in ms. */
    static double firstByteMillis(Placement placement, String session) throws IOException {
        long started = System.nanoTime();
        long firstByte = Readiness.hearthFirstByte(placement.node().address(), HearthNode.invocationPath(placement.runtime()),
                HearthNode.SESSION_HEADER, session);
        return (firstByte - started) / 1e6;
    }

    /**
     * The driver through the runtime tag on the main server when that server honours it (seen in the session's
     * isolation), else a server of its own started with that isolation.
     */
    static Placement place(BenchContext context, String driver, String stem, Map<String, String> tags) throws IOException {
        HearthNode main = context.hearth();
        var code = context.artifacts().pythonAgent();
        if (main.isolation().equals(driver)) {
            return new Placement(main, main.deploy(stem, code, "PYTHON_3_12", List.of(AgentArtifacts.PYTHON_ENTRY),
                    tags), false, "main server");
        }
        var withIsolation = new java.util.HashMap<>(tags);
        withIsolation.put(ISOLATION_TAG, driver);
        DeployedRuntime tagged = main.deploy(stem, code, "PYTHON_3_12", List.of(AgentArtifacts.PYTHON_ENTRY), withIsolation);
        String isolation = main.isolationOfNewSession(tagged);
        if (isolation.equals(driver)) {
            return new Placement(main, tagged, false, "runtime tag " + ISOLATION_TAG + "=" + driver);
        }
        main.delete(tagged);
        context.progress().say("cold start: the %s tag is not honoured here (session ran %s); starting a %s server", ISOLATION_TAG,
                isolation, driver);
        HearthNode own = HearthNode.start(driver, context.workDir().resolve("hearth-" + driver), context.http());
        try {
            DeployedRuntime runtime = own.deploy(stem, code, "PYTHON_3_12", List.of(AgentArtifacts.PYTHON_ENTRY), tags);
            return new Placement(own, runtime, true, "a server of its own (--isolation " + driver + ")");
        } catch (RuntimeException e) {
            own.close();
            throw e;
        }
    }

    static String firstSentence(String text) {
        String line = text.lines().findFirst().orElse(text);
        return line.length() > 160 ? line.substring(0, 157) + "..." : line;
    }
}
