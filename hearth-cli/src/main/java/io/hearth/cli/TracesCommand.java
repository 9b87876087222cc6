package io.hearth.cli;

import io.hearth.cli.internal.HearthClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code hearth traces <session> --runtime <id>}: a session's recent invocations as span waterfalls. */
@Command(name = "traces", mixinStandardHelpOptions = true,
        description = {"The recent invocation traces of a session, as a waterfall of spans with their durations",
                "(docs/tracing.md). Asks the server named by HEARTH_ENDPOINT (default http://127.0.0.1:8080)."})
final class TracesCommand extends AdminApiWork {
    private static final int BAR_WIDTH = 30;

    @Parameters(index = "0", paramLabel = "SESSION", description = "The runtime session id.")
    String sessionId;

    @Option(names = "--runtime", required = true, paramLabel = "ID", description = "The agent runtime id of the session.")
    String runtimeId;

    @Override
    JsonNode run(HearthClient client) {
        return client.traces(runtimeId, sessionId);
    }

    @Override
    String table(JsonNode answer) {
        var out = new StringBuilder();
        if (answer.path("traces").isEmpty()) {
            return "no traces kept for session " + sessionId + " of " + runtimeId + "\n";
        }
        for (JsonNode trace : answer.path("traces")) {
            waterfall(trace, out);
            out.append('\n');
        }
        return out.toString();
    }

    /** One trace: each span under its parent, with its offset, its duration and a bar placing it in the trace. */
    static void waterfall(JsonNode trace, StringBuilder out) {
        List<JsonNode> spans = new ArrayList<>();
        trace.path("spans").forEach(spans::add);
        spans.sort(Comparator.comparingLong(s -> s.path("startTimeUnixNano").asLong()));
        Set<String> ids = new HashSet<>();
        spans.forEach(s -> ids.add(s.path("spanId").asString()));
        Map<String, List<JsonNode>> children = new HashMap<>();
        List<JsonNode> roots = new ArrayList<>();
        for (JsonNode span : spans) {
            String parent = span.path("parentSpanId").asString("");
            if (ids.contains(parent)) {
                children.computeIfAbsent(parent, p -> new ArrayList<>()).add(span);
            } else {
                roots.add(span);
            }
        }
        long start = spans.stream().mapToLong(s -> s.path("startTimeUnixNano").asLong()).min().orElse(0);
        long end = spans.stream().mapToLong(s -> s.path("startTimeUnixNano").asLong() + s.path("durationNanos").asLong())
                .max().orElse(start);
        JsonNode root = roots.isEmpty() ? null : roots.getFirst();
        out.append("trace ").append(trace.path("traceId").asString());
        if (root != null) {
            out.append("  ").append(Instant.ofEpochSecond(0, root.path("startTimeUnixNano").asLong()));
            JsonNode attributes = root.path("attributes");
            for (String key : List.of("hearth.start", "hearth.isolation", "http.response.status_code", "aws.request_id")) {
                if (attributes.has(key)) {
                    out.append("  ").append(key).append('=').append(attributes.path(key).asString());
                }
            }
        }
        out.append('\n');
        for (JsonNode span : roots) {
            line(span, 0, start, Math.max(1, end - start), children, out);
        }
    }

    private static void line(JsonNode span, int depth, long traceStart, long traceLength,
            Map<String, List<JsonNode>> children, StringBuilder out) {
        long offset = span.path("startTimeUnixNano").asLong() - traceStart;
        long duration = span.path("durationNanos").asLong();
        String name = "  ".repeat(depth) + span.path("name").asString();
        int from = (int) Math.min(BAR_WIDTH - 1, offset * BAR_WIDTH / traceLength);
        int width = (int) Math.max(1, Math.min(BAR_WIDTH - from, duration * BAR_WIDTH / traceLength));
        String bar = " ".repeat(from) + "#".repeat(width) + " ".repeat(BAR_WIDTH - from - width);
        out.append(String.format("  %-28s %10s %10s  |%s|%s%n", name, "+" + millis(offset), millis(duration), bar,
                span.path("status").asString("OK").equals("ERROR") ? "  ERROR " + span.path("statusMessage").asString("") : ""));
        for (JsonNode child : children.getOrDefault(span.path("spanId").asString(), List.of())) {
            line(child, depth + 1, traceStart, traceLength, children, out);
        }
    }

    private static String millis(long nanos) {
        return String.format("%.2f ms", nanos / 1_000_000.0);
    }
}
