package io.hearth.bench.internal;

import io.hearth.bench.Row;
import io.hearth.bench.Section;
import io.hearth.bench.Target;
import io.hearth.bench.Unit;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

/**
 * Warm invokes with a small JSON payload at fixed concurrency, three ways to the same agent code: straight to the
 * agent (the physical limit), through nginx {@code proxy_pass}, and through Hearth's InvokeAgentRuntime; then Hearth
 * once more with the body typed {@code application/octet-stream}, as boto3 sends it. The same native load generator
 * ({@link Wrk}) with the same flags drives every target at a given concurrency.
 */
public final class WarmInvokeMeasurement implements Measurement {
    private static final byte[] PAYLOAD = "{\"prompt\":\"hello, agent\"}".getBytes(StandardCharsets.UTF_8);
    /** Added median latency over direct that Hearth aims to stay under. */
    private static final double ADDED_P50_MICROS = 150;
    /** The concurrency of the boto3-form run, when the configuration has it (else its largest). */
    private static final int BOTO3_CONCURRENCY = 16;
    private static final String BOTO3 = "hearth-octet-stream";

    /** What one target is sent: thread k connects to addresses[k] and repeats requests[k] (both modulo size). */
    private record Load(List<InetSocketAddress> addresses, List<byte[]> requests) {}

    @Override
    public Section section() {
        return Section.WARM_INVOKE;
    }

    @Override
    public SectionResult run(BenchContext context) {
        var config = context.config();
        Progress progress = context.progress();
        Path wrk = Wrk.binary().orElseThrow(() -> new IllegalStateException(
                "wrk: not installed (expected: /usr/bin/wrk; Debian: apt-get install wrk, or ./hearth setup)"));
        String wrkVersion = Wrk.version(wrk);
        ProxyRig rig = context.rig();
        Path scratch = context.workDir().resolve("wrk");
        int maxConcurrency = config.concurrencies().stream().mapToInt(Integer::intValue).max().orElseThrow();
        int boto3Concurrency = config.concurrencies().contains(BOTO3_CONCURRENCY) ? BOTO3_CONCURRENCY : maxConcurrency;

        var targets = new LinkedHashMap<String, Load>();
        targets.put("direct", new Load(rig.bareAgents(), rig.bareAgents().stream().map(WarmInvokeMeasurement::plain).toList()));
        Optional<Path> nginxBinary = Nginx.binary();
        Nginx nginx = null;
        String nginxVersion = nginxBinary.map(Nginx::version).orElse("not installed");
        try {
            if (nginxBinary.isPresent()) {
                nginx = Nginx.start(nginxBinary.get(), context.workDir().resolve("nginx"), rig.bareAgents());
                targets.put("nginx", new Load(List.of(nginx.address()), List.of(plain(nginx.address()))));
            } else {
                progress.say("nginx not installed: its rows are skipped (Debian: apt-get install nginx)");
            }
            targets.put("hearth", hearth(rig, "application/json"));
            Load boto3 = hearth(rig, "application/octet-stream");

            String hearthWarmUp = "none";
            if (!config.warmup().isZero()) {
                for (var target : targets.entrySet()) {
                    int threads = threads(rig, maxConcurrency);
                    progress.say("warm invoke: warming %s (%s, discarded)", target.getKey(),
                            Wrk.flags(threads, maxConcurrency, config.warmup()));
                    run(wrk, target.getKey(), target.getValue(), threads, maxConcurrency, config.warmup(), scratch);
                    if (target.getKey().equals("hearth")) {
                        hearthWarmUp = warmUntilCompiled(context, wrk, target.getValue(), boto3, threads, maxConcurrency, scratch);
                    }
                }
            }
            var results = new ArrayList<LoadResult>();
            for (int concurrency : config.concurrencies()) {
                for (var target : targets.entrySet()) {
                    results.add(report(progress, run(wrk, target.getKey(), target.getValue(), threads(rig, concurrency),
                            concurrency, config.measure(), scratch)));
                }
                if (concurrency == boto3Concurrency) {
                    // Right after the JSON run at the same concurrency, so neither has had more warm-up than the other.
                    results.add(report(progress, run(wrk, BOTO3, boto3, threads(rig, concurrency), concurrency,
                            config.measure(), scratch)));
                }
            }

            String method = "%s, %s each after a discarded %s warm-up at c=%d; %s".formatted(wrkVersion,
                    seconds(config.measure()), seconds(config.warmup()), maxConcurrency,
                    "threads = min(connections, " + rig.size() + " agents); thread k on agent k (direct) or session k (Hearth)");
            var details = new LinkedHashMap<String, Object>();
            details.put("generator", method);
            details.put("hearthWarmUp", hearthWarmUp);
            details.put("hearth", context.hearth().commandLine());
            details.put("hearthOpenFileLimit", context.hearth().openFileLimit());
            details.put("agentProcesses", rig.size());
            details.put("payloadBytes", PAYLOAD.length);
            details.put("nginx", nginxVersion);
            details.put("runs", results);
            return new SectionResult(rows(config.concurrencies(), boto3Concurrency, results, nginx != null), details);
        } finally {
            if (nginx != null) {
                nginx.close();
            }
        }
    }

    /**
     * Hearth's JVM on 2 shared cores was still compiling its hot paths a minute into the load (its C2 thread took a
     * third of a core through every measured run, and the JIT's total time grew by tens of seconds): a fresh JVM, not
     * the warm server users run. So the warm-up goes on, in rounds alternating the JSON and boto3 forms, until a round
     * adds less than {@value #SETTLED_JIT_SHARE_PERCENT} % of its length in compile time, or {@link #MAX_WARMUP_ROUNDS}
     * rounds have run; the report says how it ended.
     */
    private static String warmUntilCompiled(BenchContext context, Path wrk, Load json, Load boto3, int threads,
            int concurrency, Path scratch) {
        Duration round = context.config().warmup();
        int rounds = context.config().smoke() ? 1 : MAX_WARMUP_ROUNDS; // the smoke run only shows the path works
        long before = context.hearth().compilationMillis();
        for (int i = 1; i <= rounds; i++) {
            run(wrk, "hearth", i % 2 == 1 ? boto3 : json, threads, concurrency, round, scratch);
            long after = context.hearth().compilationMillis();
            double share = 100.0 * (after - before) / round.toMillis();
            context.progress().say("warm invoke: hearth warm-up round %d: its JIT compiled %,d ms in %s (%.0f %%)", i,
                    after - before, seconds(round), share);
            if (share < SETTLED_JIT_SHARE_PERCENT) {
                return "%d more round(s) of %s, until the JIT compiled for less than %d %% of a round (last: %.1f %%)"
                        .formatted(i, seconds(round), SETTLED_JIT_SHARE_PERCENT, share);
            }
            before = after;
        }
        return "%d more round(s) of %s; the JIT had not settled (still over %d %% of a round)".formatted(rounds,
                seconds(round), SETTLED_JIT_SHARE_PERCENT);
    }

    private static final int SETTLED_JIT_SHARE_PERCENT = 5;
    private static final int MAX_WARMUP_ROUNDS = 8;

    private static String seconds(Duration duration) {
        return Wrk.seconds(duration) + " s";
    }

    /** As many wrk threads as agents (so thread k can drive agent k directly), never more than connections. */
    private static int threads(ProxyRig rig, int concurrency) {
        return Math.min(concurrency, rig.size());
    }

    private static LoadResult run(Path wrk, String target, Load load, int threads, int concurrency, Duration duration,
            Path scratch) {
        return Wrk.run(wrk, target, load.addresses(), load.requests(), threads, concurrency, duration, scratch);
    }

    private static LoadResult report(Progress progress, LoadResult result) {
        progress.say("warm invoke: %-19s %-18s %,9.0f req/s  p50 %,7.0f µs  p99 %,8.0f µs  errors %d%s",
                result.target(), result.generator(), result.requestsPerSecond(), result.p50Micros(), result.p99Micros(),
                result.errors(), result.firstError().isEmpty() ? "" : " (" + result.firstError() + ")");
        return result;
    }

    private static List<Row> rows(List<Integer> concurrencies, int boto3Concurrency, List<LoadResult> results,
            boolean withNginx) {
        String section = Section.WARM_INVOKE.title();
        var rows = new ArrayList<Row>();
        for (int c : concurrencies) {
            LoadResult direct = find(results, "direct", c);
            LoadResult hearth = find(results, "hearth", c);
            Optional<LoadResult> nginx = withNginx ? Optional.of(find(results, "nginx", c)) : Optional.empty();
            String errors = errorNote(hearth);
            String generator = hearth.generator() + ", same for every target; Hearth's requests signed once per session";
            if (c > 1) {
                String measurement = "c=" + c + " throughput";
                Target vsNginx = new Target.AtLeastRatio(1.0, "nginx");
                rows.add(nginx.map(n -> Row.measured(section, measurement + " vs nginx", Unit.REQUESTS_PER_SECOND, "nginx",
                                n.requestsPerSecond(), hearth.requestsPerSecond(), vsNginx, Notes.join(generator, errors, errorNote(n))))
                        .orElseGet(() -> Row.skipped(section, measurement + " vs nginx", Unit.REQUESTS_PER_SECOND, "nginx",
                                vsNginx, "nginx not installed")));
                rows.add(Row.measured(section, measurement + " vs direct", Unit.REQUESTS_PER_SECOND, "direct",
                        direct.requestsPerSecond(), hearth.requestsPerSecond(), new Target.None(),
                        Notes.join("direct = the agent's own limit on this machine", errorNote(direct))));
            }
            rows.add(Row.measured(section, "c=" + c + " p50 latency", Unit.MICROSECONDS, "direct", direct.p50Micros(),
                    hearth.p50Micros(), new Target.AtMostPlus(ADDED_P50_MICROS, "direct"),
                    Notes.join(nginx.map(n -> "nginx p50 " + Unit.MICROSECONDS.format(n.p50Micros())).orElse(""),
                            c == 1 ? generator : "", errors)));
            rows.add(Row.measured(section, "c=" + c + " p99 latency", Unit.MICROSECONDS, "direct", direct.p99Micros(),
                    hearth.p99Micros(), new Target.None(),
                    nginx.map(n -> "nginx p99 " + Unit.MICROSECONDS.format(n.p99Micros())).orElse("")));
            if (c > 1) {
                Target underNginx = new Target.AtMostPlus(0, "nginx");
                rows.add(nginx.map(n -> Row.measured(section, "c=" + c + " p99 latency vs nginx", Unit.MICROSECONDS, "nginx",
                                n.p99Micros(), hearth.p99Micros(), underNginx, "wrk's histogram"))
                        .orElseGet(() -> Row.skipped(section, "c=" + c + " p99 latency vs nginx", Unit.MICROSECONDS, "nginx",
                                underNginx, "nginx not installed")));
            }
        }
        LoadResult boto3 = find(results, BOTO3, boto3Concurrency);
        String measurement = "c=" + boto3Concurrency + " throughput vs nginx, body as application/octet-stream (boto3)";
        Target vsNginx = new Target.AtLeastRatio(1.0, "nginx");
        String note = Notes.join(boto3.generator() + "; the same body and sessions, typed as boto3 types it; Hearth p50 "
                + Unit.MICROSECONDS.format(boto3.p50Micros()) + ", p99 " + Unit.MICROSECONDS.format(boto3.p99Micros()), errorNote(boto3));
        rows.add(withNginx
                ? Row.measured(section, measurement, Unit.REQUESTS_PER_SECOND, "nginx",
                        find(results, "nginx", boto3Concurrency).requestsPerSecond(), boto3.requestsPerSecond(), vsNginx, note)
                : Row.skipped(section, measurement, Unit.REQUESTS_PER_SECOND, "nginx", vsNginx, "nginx not installed"));
        return rows;
    }

    private static String errorNote(LoadResult result) {
        return result.errors() == 0 ? "" : result.target() + ": " + result.errors() + " errors (" + result.firstError() + ")";
    }

    private static LoadResult find(List<LoadResult> results, String target, int concurrency) {
        return results.stream().filter(r -> r.target().equals(target) && r.concurrency() == concurrency).findFirst()
                .orElseThrow(() -> new IllegalStateException("no run for " + target + " at c=" + concurrency));
    }

    /** The request to the agent itself, or to nginx: no signature, nothing to verify. */
    private static byte[] plain(InetSocketAddress address) {
        return HttpConnection.request("POST", Ports.hostPort(address), "/invocations", "application/json", PAYLOAD);
    }

    /** One signed InvokeAgentRuntime request per session of the rig, signed now and repeated for the whole run. */
    private static Load hearth(ProxyRig rig, String contentType) {
        InetSocketAddress address = rig.hearth().address();
        var requests = rig.sessions().stream().map(session -> BenchAuth.request("POST", address,
                HearthNode.invocationPath(rig.runtime()), contentType, PAYLOAD, HearthNode.SESSION_HEADER, session)).toList();
        return new Load(List.of(address), requests);
    }
}
