package io.hearth.bench.soak;

import io.hearth.api.FileTrees;
import io.hearth.bench.internal.DeployedRuntime;
import io.hearth.bench.internal.HearthNode;
import io.hearth.bench.internal.HearthProcess;
import io.hearth.bench.internal.HostFacts;
import io.hearth.bench.internal.ProcessProbe;
import io.hearth.bench.internal.Progress;
import io.hearth.bench.internal.Readiness;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * {@code ./hearth soak}: Hearth in its own process under steady load with session churn, StopRuntimeSession calls
 * and agent crashes, sampled every few seconds; then stopped with SIGTERM and searched for anything it left.
 * The verdict holds when every series stayed flat after warm-up ({@link Flatness}) and nothing leaked.
 */
public final class Soak {
    public static final String AGENT_ENTRY = "soak_agent.py";
    /** Unexpected failures allowed, as a fraction of all calls: a loaded machine may time out once, a bug does more. */
    static final double ERROR_BUDGET = 0.001;
    private static final long SETTLE_MILLIS = 20_000;

    /**
     * A fixed heap ceiling on top of the launcher's flags (its collector included): heap growth then shows against the
     * same ceiling on every machine.
     */
    private static final List<String> HEAP_CEILING = List.of("-Xmx512m");

    private Soak() {}

    public static SoakReport run(SoakConfig config, PrintStream progressOut) {
        var progress = new Progress(progressOut, "soak");
        Path work;
        try {
            work = Files.createTempDirectory("hearth-soak-");
            Files.createDirectories(work.resolve("logs"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the soak's temporary directory: " + e.getMessage(), e);
        }
        Path dataDir = work.resolve("data");
        HttpClient http = httpClient();
        HearthProcess hearth = null;
        try {
            Path agent = stageAgent(config.repoRoot(), work.resolve("agent"));
            progress.say("starting Hearth in its own JVM (isolation %s, data in %s)", config.isolation(), dataDir);
            hearth = HearthProcess.start(dataDir, config.isolation(), work.resolve("logs"), HEAP_CEILING, List.of());
            progress.say("Hearth pid %d listening on 127.0.0.1:%d (isolation %s)", hearth.pid(), hearth.port(), hearth.isolation());
            var node = HearthNode.attach(hearth, dataDir, http);
            DeployedRuntime runtime = node.deploy("soak", agent, "PYTHON_3_12", List.of(AGENT_ENTRY), Map.of());
            progress.say("deployed %s (%s); load %d invokes/s on %d connections over %d sessions, a session replaced every %d ms,"
                    + " an agent crash every %d ms, for %d s (warm-up %d s, a sample every %d ms)",
                    runtime.name(), runtime.arn(), config.rate(), config.workers(), config.workingSet(), config.churnEvery().toMillis(),
                    config.crashEvery().toMillis(), config.duration().toSeconds(), config.warmup().toSeconds(),
                    config.sampleEvery().toMillis());
            SoakReport report = soak(config, progress, hearth, node, runtime, dataDir, work);
            hearth = null; // stopped by soak()
            return report;
        } finally {
            if (hearth != null) {
                hearth.close();
            }
            stopClient(http);
            FileTrees.deleteQuietly(work);
        }
    }

    private static SoakReport soak(SoakConfig config, Progress progress, HearthProcess hearth, HearthNode node,
            DeployedRuntime runtime, Path dataDir, Path work) {
        var probe = new ProcessProbe(hearth.pid());
        var traffic = new SoakTraffic(config, node, runtime);
        var samples = new ArrayList<SoakSample>();
        var checks = new ArrayList<SoakCheck>();
        String machine = machineLine();
        long started = System.nanoTime();
        traffic.start();
        long lastOk = 0;
        long lastErrors = 0;
        double lastSeconds = 0;
        try {
            for (int k = 1; ; k++) {
                long due = started + config.sampleEvery().toNanos() * k;
                if (due - started > config.duration().toNanos()) {
                    break;
                }
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Readiness.sleepMillis(wait / 1_000_000);
                }
                if (!hearth.alive()) {
                    checks.add(new SoakCheck("Hearth ran throughout", "exited during the soak: " + hearth.logTail(), "alive", false));
                    break;
                }
                double heap = probe.heapAfterFullGcMib();
                double seconds = (System.nanoTime() - started) / 1e9;
                long ok = traffic.ok();
                long errors = traffic.failed();
                var sample = new SoakSample(seconds, probe.fds(), probe.threads(), probe.rssKib() / 1024.0, heap,
                        live(node, runtime), probe.descendants(), (ok - lastOk) / Math.max(1e-3, seconds - lastSeconds),
                        errors - lastErrors);
                samples.add(sample);
                progress.say("%s", SoakTables.progressLine(sample));
                lastOk = ok;
                lastErrors = errors;
                lastSeconds = seconds;
            }
        } finally {
            traffic.stop();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        progress.say("load stopped: %,d invokes ok, %,d unexpected failures, %,d sessions replaced, %,d agent crashes",
                traffic.ok(), traffic.failed(), traffic.replaced(), traffic.crashes());

        List<SoakSample> compared = Flatness.afterWarmup(samples, config.warmup().toMillis() / 1e3);
        for (Flatness.Growth series : Flatness.GROWTH) {
            checks.add(Flatness.growth(series, compared));
        }
        checks.add(Flatness.liveSandboxes(compared, config.workingSet()));
        checks.add(Flatness.throughput(compared));
        long calls = traffic.ok() + traffic.failed() + traffic.replaced() + traffic.crashes();
        long budget = (long) Math.floor(calls * ERROR_BUDGET);
        checks.add(new SoakCheck("unexpected failures", traffic.failed() + " of " + calls + " calls",
                "≤ " + Math.round(ERROR_BUDGET * 1000) / 10.0 + "% = " + budget, traffic.failed() <= budget));

        if (hearth.alive()) {
            int liveAtEnd = live(node, runtime);
            checks.add(new SoakCheck("live sandboxes when load stopped", Integer.toString(liveAtEnd),
                    "≤ working set = " + config.workingSet(), liveAtEnd <= config.workingSet()));
            traffic.stopWorkingSet();
            checks.add(drained(node, runtime, probe));
        }
        var agents = ProcessHandle.of(hearth.pid()).map(h -> h.descendants().toList()).orElse(List.of());
        probe.close();
        HearthProcess.Stop stop = hearth.stop();
        progress.say("Hearth %s after SIGTERM in %.1f s (exit %d)", stop.clean() ? "exited" : "was killed", stop.seconds(), stop.exitCode());
        checks.add(new SoakCheck("Hearth stops on SIGTERM", String.format(java.util.Locale.ROOT, "%s in %.1f s, exit %d",
                stop.clean() ? "exited" : "killed", stop.seconds(), stop.exitCode()),
                "exits within " + HearthProcess.STOP_TIMEOUT.toSeconds() + " s", stop.clean()));
        checks.add(leftovers(agents, dataDir));
        FileTrees.deleteQuietly(work);
        checks.add(new SoakCheck("temporary directory removed", Files.exists(work) ? "still there: " + work : "removed",
                "removed", !Files.exists(work)));

        return new SoakReport(LocalDate.now().toString(), config, hearth.isolation(), machine, seconds, samples, checks,
                traffic.ok(), traffic.failed(), traffic.replaced(), traffic.crashes(), traffic.errorKinds());
    }

    /** Writes {@code <date>-soak.md} and {@code <date>-soak.png} to {@code dir}; returns them. */
    public static List<Path> write(SoakReport report, Path dir) {
        try {
            Files.createDirectories(dir);
            Path png = dir.resolve(report.date() + "-soak.png");
            Path md = dir.resolve(report.date() + "-soak.md");
            SoakChart.write(report, png);
            Files.writeString(md, SoakTables.markdown(report, png.getFileName().toString()));
            return List.of(md, png);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the soak report to " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The samples and the verdict as plain text, for stdout. */
    public static String table(SoakReport report) {
        return SoakTables.text(report);
    }

    /** After every session of the set was stopped: no live sandbox and no agent process may remain. */
    private static SoakCheck drained(HearthNode node, DeployedRuntime runtime, ProcessProbe probe) {
        long deadline = System.nanoTime() + SETTLE_MILLIS * 1_000_000;
        int live;
        long agents;
        do {
            live = live(node, runtime);
            agents = probe.descendants();
            if (live == 0 && agents == 0) {
                break;
            }
            Readiness.sleepMillis(200);
        } while (System.nanoTime() < deadline);
        return new SoakCheck("after stopping every session", live + " live sandboxes, " + agents + " agent processes",
                "0 and 0 within " + SETTLE_MILLIS / 1000 + " s", live == 0 && agents == 0);
    }

    /** Once Hearth exited, none of its agents may survive, nor any process using its data directory. */
    private static SoakCheck leftovers(List<ProcessHandle> agents, Path dataDir) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        List<String> left;
        do {
            left = new ArrayList<>();
            for (ProcessHandle agent : agents) {
                if (agent.isAlive()) {
                    left.add(agent.pid() + " " + agent.info().commandLine().orElse("?"));
                }
            }
            for (String process : Leftovers.referring(dataDir)) {
                if (!left.contains(process)) {
                    left.add(process);
                }
            }
            if (left.isEmpty()) {
                break;
            }
            Readiness.sleepMillis(200);
        } while (System.nanoTime() < deadline);
        String observed = left.isEmpty() ? "none" : left.size() + ": " + String.join("; ", left.subList(0, Math.min(3, left.size())));
        return new SoakCheck("processes left after Hearth exited", observed, "none", left.isEmpty());
    }

    private static int live(HearthNode node, DeployedRuntime runtime) {
        try {
            return node.sessions(runtime, true).size();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private static Path stageAgent(Path repoRoot, Path code) {
        Path source = repoRoot.resolve("hearth-bench/src/main/agent/python").resolve(AGENT_ENTRY);
        if (!Files.isRegularFile(source)) {
            throw new IllegalStateException("soak agent: " + source + " not found (expected: the repository's hearth-bench sources)");
        }
        try {
            Files.createDirectories(code);
            Files.copy(source, code.resolve(AGENT_ENTRY), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stage the soak agent in " + code + ": " + e.getMessage(), e);
        }
        return code;
    }

    private static String machineLine() {
        Map<String, Object> m = HostFacts.machine();
        return m.get("cores") + " cores, " + m.get("memoryGiB") + " GiB, " + m.get("cpu") + ", " + m.get("os") + ", "
                + m.get("java") + String.format(java.util.Locale.ROOT, ", load %.1f at start", HostFacts.loadAverage());
    }

    private static HttpClient httpClient() {
        var http = new HttpClient();
        var threads = new QueuedThreadPool(8, 1);
        threads.setName("soak-http");
        http.setExecutor(threads);
        try {
            http.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the soak's HTTP client: " + e.getMessage(), e);
        }
        return http;
    }

    private static void stopClient(HttpClient http) {
        try {
            http.stop();
        } catch (Exception e) {
            // the run is over; a client that does not stop cleanly changes no figure
        }
    }
}
