package io.hearth.bench.internal;

import io.hearth.bench.Row;
import io.hearth.bench.Section;
import io.hearth.bench.Target;
import io.hearth.bench.Unit;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * Warm invokes with a small JSON payload at fixed concurrency, three ways to the same agent code: straight to the
 * agent (the physical limit), through nginx {@code proxy_pass}, and through Hearth's InvokeAgentRuntime.
 */
public final class WarmInvokeMeasurement implements Measurement {
    private static final byte[] PAYLOAD = "{\"prompt\":\"hello, agent\"}".getBytes(StandardCharsets.UTF_8);
    /** Added median latency over direct that Hearth aims to stay under. */
    private static final double ADDED_P50_MICROS = 150;

    @Override
    public Section section() {
        return Section.WARM_INVOKE;
    }

    @Override
    public SectionResult run(BenchContext context) {
        var config = context.config();
        Progress progress = context.progress();
        ProxyRig rig = context.rig();
        int maxConcurrency = config.concurrencies().stream().mapToInt(Integer::intValue).max().orElseThrow();

        var targets = new LinkedHashMap<String, IntFunction<List<Endpoint>>>();
        targets.put("direct", c -> endpoints(c, i -> direct(rig, i)));
        Optional<Path> nginxBinary = Nginx.binary();
        Nginx nginx = null;
        String nginxVersion = nginxBinary.map(Nginx::version).orElse("not installed");
        try {
            if (nginxBinary.isPresent()) {
                nginx = Nginx.start(nginxBinary.get(), context.workDir().resolve("nginx"), rig.bareAgents());
                InetSocketAddress address = nginx.address();
                targets.put("nginx", c -> endpoints(c, i -> new Endpoint(address,
                        HttpConnection.request("POST", Ports.hostPort(address), "/invocations", "application/json", PAYLOAD))));
            } else {
                progress.say("nginx not installed: its rows are skipped (Debian: apt-get install nginx)");
            }
            targets.put("hearth", c -> endpoints(c, i -> hearth(rig, i)));

            for (var target : targets.entrySet()) {
                progress.say("warm invoke: warming %s (%d connections, %d ms)", target.getKey(), maxConcurrency, config.warmup().toMillis());
                LoadGenerator.run(target.getKey(), target.getValue().apply(maxConcurrency), config.warmup());
            }
            var results = new ArrayList<LoadResult>();
            for (int concurrency : config.concurrencies()) {
                for (var target : targets.entrySet()) {
                    LoadResult result = LoadGenerator.run(target.getKey(), target.getValue().apply(concurrency), config.measure());
                    progress.say("warm invoke: %-6s c=%-3d %,9.0f req/s  p50 %,7.0f µs  p99 %,8.0f µs  errors %d%s",
                            target.getKey(), concurrency, result.requestsPerSecond(), result.p50Micros(), result.p99Micros(),
                            result.errors(), result.firstError().isEmpty() ? "" : " (" + result.firstError() + ")");
                    results.add(result);
                }
            }
            var details = new LinkedHashMap<String, Object>();
            details.put("agentProcesses", rig.size());
            details.put("payloadBytes", PAYLOAD.length);
            details.put("nginx", nginxVersion);
            details.put("runs", results);
            return new SectionResult(rows(config.concurrencies(), results, nginx != null), details);
        } finally {
            if (nginx != null) {
                nginx.close();
            }
        }
    }

    private static List<Row> rows(List<Integer> concurrencies, List<LoadResult> results, boolean withNginx) {
        String section = Section.WARM_INVOKE.title();
        var rows = new ArrayList<Row>();
        for (int c : concurrencies) {
            LoadResult direct = find(results, "direct", c);
            LoadResult hearth = find(results, "hearth", c);
            Optional<LoadResult> nginx = withNginx ? Optional.of(find(results, "nginx", c)) : Optional.empty();
            String errors = errorNote(hearth);
            if (c > 1) {
                String measurement = "c=" + c + " throughput";
                Target vsNginx = new Target.AtLeastRatio(1.0, "nginx");
                rows.add(nginx.map(n -> Row.measured(section, measurement + " vs nginx", Unit.REQUESTS_PER_SECOND, "nginx",
                                n.requestsPerSecond(), hearth.requestsPerSecond(), vsNginx, Notes.join(errors, errorNote(n))))
                        .orElseGet(() -> Row.skipped(section, measurement + " vs nginx", Unit.REQUESTS_PER_SECOND, "nginx",
                                vsNginx, "nginx not installed")));
                rows.add(Row.measured(section, measurement + " vs direct", Unit.REQUESTS_PER_SECOND, "direct",
                        direct.requestsPerSecond(), hearth.requestsPerSecond(), new Target.None(),
                        "direct = the agent's own limit on this machine"));
            }
            rows.add(Row.measured(section, "c=" + c + " p50 latency", Unit.MICROSECONDS, "direct", direct.p50Micros(),
                    hearth.p50Micros(), new Target.AtMostPlus(ADDED_P50_MICROS, "direct"),
                    Notes.join(nginx.map(n -> "nginx p50 " + Unit.MICROSECONDS.format(n.p50Micros())).orElse(""), errors)));
            rows.add(Row.measured(section, "c=" + c + " p99 latency", Unit.MICROSECONDS, "direct", direct.p99Micros(),
                    hearth.p99Micros(), new Target.None(),
                    nginx.map(n -> "nginx p99 " + Unit.MICROSECONDS.format(n.p99Micros())).orElse("")));
        }
        return rows;
    }

    private static String errorNote(LoadResult result) {
        return result.errors() == 0 ? "" : result.target() + ": " + result.errors() + " errors (" + result.firstError() + ")";
    }

    private static LoadResult find(List<LoadResult> results, String target, int concurrency) {
        return results.stream().filter(r -> r.target().equals(target) && r.concurrency() == concurrency).findFirst()
                .orElseThrow(() -> new IllegalStateException("no run for " + target + " at c=" + concurrency));
    }

    private static List<Endpoint> endpoints(int count, IntFunction<Endpoint> connection) {
        var list = new ArrayList<Endpoint>(count);
        for (int i = 0; i < count; i++) {
            list.add(connection.apply(i));
        }
        return list;
    }

    private static Endpoint direct(ProxyRig rig, int connection) {
        InetSocketAddress agent = rig.bareAgent(connection);
        return new Endpoint(agent, HttpConnection.request("POST", Ports.hostPort(agent), "/invocations", "application/json", PAYLOAD));
    }

    private static Endpoint hearth(ProxyRig rig, int connection) {
        InetSocketAddress address = rig.hearth().address();
        // Signed once: the connection repeats these bytes for a run of seconds, well inside the signature's window.
        return new Endpoint(address, BenchAuth.request("POST", address, HearthNode.invocationPath(rig.runtime()),
                "application/json", PAYLOAD, HearthNode.SESSION_HEADER, rig.session(connection)));
    }
}
