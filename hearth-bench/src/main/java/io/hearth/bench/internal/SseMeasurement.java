package io.hearth.bench.internal;

import io.hearth.bench.Row;
import io.hearth.bench.Section;
import io.hearth.bench.Target;
import io.hearth.bench.Unit;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Open SSE streams held at once: the agent sends an event every couple of seconds, the client (its own process)
 * opens as many streams as it can up to the target and holds them. Baseline: the same streams straight to the
 * bare agents. Hearth holds two descriptors per stream (caller and agent side), so the attempt is capped by this
 * process's open-file limit, and the row says so when that cap bites.
 */
public final class SseMeasurement implements Measurement {
    /** Descriptors the bench's JVM needs besides the streams: jars, the agents' pipes, Hearth's store and logs. */
    private static final long RESERVED_DESCRIPTORS = 1_500;

    @Override
    public Section section() {
        return Section.SSE_STREAMS;
    }

    @Override
    public SectionResult run(BenchContext context) throws IOException, InterruptedException {
        var config = context.config();
        ProxyRig rig = context.rig();
        long limit = HostFacts.openFileLimit();
        int fdCap = (int) Math.max(1, Math.min(Integer.MAX_VALUE, (limit - RESERVED_DESCRIPTORS) / 2));
        int attempt = Math.min(config.sseTarget(), fdCap);
        String capNote = attempt < config.sseTarget()
                ? String.format("attempted %,d: RLIMIT_NOFILE is %,d here and Hearth holds 2 descriptors per stream", attempt, limit)
                : "";
        int intervalMs = config.smoke() ? 200 : 2_000;
        int openSeconds = (int) Math.max(1, config.sseOpenBudget().toSeconds());
        int holdSeconds = (int) Math.max(1, config.sseHold().toSeconds());
        int events = (openSeconds + holdSeconds + 15) * 1000 / intervalMs + 2;

        var direct = new ArrayList<SseSpec.SseTarget>();
        var viaHearth = new ArrayList<SseSpec.SseTarget>();
        for (int i = 0; i < rig.size(); i++) {
            direct.add(new SseSpec.SseTarget(rig.bareAgent(i).getPort(), "/invocations", ""));
            viaHearth.add(new SseSpec.SseTarget(rig.hearth().address().getPort(), HearthNode.invocationPath(rig.runtime()),
                    rig.session(i)));
        }
        context.progress().say("SSE: opening %,d streams straight to %d agents (one event every %d ms)", attempt, rig.size(), intervalMs);
        SseOutcome baseline = runClient(context, new SseSpec(direct, attempt, events, intervalMs, openSeconds, holdSeconds, 256), "direct");
        context.progress().say("SSE direct: %,d opened in %.1f s, %,d held, %,d failed %s", baseline.opened(),
                baseline.openSeconds(), baseline.held(), baseline.failed(), baseline.firstFailure());
        Readiness.sleepMillis(2L * intervalMs); // the agents notice the cut streams at their next event
        context.progress().say("SSE: opening %,d streams through Hearth (%d sessions)", attempt, rig.size());
        SseOutcome hearth = runClient(context, new SseSpec(viaHearth, attempt, events, intervalMs, openSeconds, holdSeconds, 256), "hearth");
        context.progress().say("SSE Hearth: %,d opened in %.1f s, %,d held, %,d failed %s", hearth.opened(),
                hearth.openSeconds(), hearth.held(), hearth.failed(), hearth.firstFailure());
        rig.awaitQuiet(Duration.ofSeconds(30));

        String note = Notes.join(capNote, String.format("%d agent processes; opened in %.1f s (direct %.1f s)", rig.size(),
                hearth.openSeconds(), baseline.openSeconds()),
                hearth.firstFailure().isEmpty() ? "" : "first Hearth failure: " + hearth.firstFailure());
        var rows = List.of(Row.measured(Section.SSE_STREAMS.title(), "concurrent SSE streams held", Unit.STREAMS, "direct",
                baseline.held(), hearth.held(), new Target.AtLeast(config.sseTarget()), note));
        var details = new LinkedHashMap<String, Object>();
        details.put("openFileLimit", limit);
        details.put("attempted", attempt);
        details.put("eventIntervalMs", intervalMs);
        details.put("direct", baseline);
        details.put("hearth", hearth);
        return new SectionResult(rows, details);
    }

    private static SseOutcome runClient(BenchContext context, SseSpec spec, String label) throws IOException, InterruptedException {
        var result = context.workDir().resolve("sse-" + label + ".json");
        var builder = new ProcessBuilder(SseClientMain.command(Json.compact(spec)))
                .redirectError(context.logFile("sse-client-" + label).toFile())
                .redirectOutput(result.toFile());
        builder.environment().putAll(BenchAuth.environment()); // the client signs its requests to Hearth with it
        var process = builder.start();
        long budget = spec.openSeconds() + spec.holdSeconds() + 60L;
        if (!process.waitFor(budget, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("SSE client (" + label + ") still running after " + budget + " s");
        }
        String text = Files.readString(result, StandardCharsets.UTF_8).strip();
        if (process.exitValue() != 0 || text.isEmpty()) {
            throw new IllegalStateException("SSE client (" + label + ") exited " + process.exitValue() + " with \"" + text
                    + "\" (expected: one JSON line; see " + context.logFile("sse-client-" + label) + ")");
        }
        var node = Json.tree(text.lines().reduce((a, b) -> b).orElseThrow());
        return new SseOutcome(node.path("requested").asInt(), node.path("opened").asInt(), node.path("held").asInt(),
                node.path("failed").asInt(), node.path("openSeconds").asDouble(), node.path("firstFailure").asString(""));
    }
}
