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
 * opens as many streams as the host's descriptor limits allow ({@link StreamBudget}) and holds them. Baseline: the
 * same streams straight to the bare agents.
 *
 * <p>Hearth holds two descriptors per stream, the caller's socket and its connection to the agent. One would need
 * streams to share agent connections, and agents speak HTTP/1.1: a connection carries one response at a time, and an
 * SSE response lasts as long as the stream, so every open stream holds a connection of its own to its agent.
 */
public final class SseMeasurement implements Measurement {
    @Override
    public Section section() {
        return Section.SSE_STREAMS;
    }

    @Override
    public SectionResult run(BenchContext context) throws IOException, InterruptedException {
        var config = context.config();
        ProxyRig rig = context.rig();
        StreamBudget budget = StreamBudget.forHearth(rig.hearth());
        // A smoke run only checks the path; a full one goes as far as the limits allow.
        int attempt = config.smoke() ? Math.min(config.sseTarget(), budget.streams()) : budget.streams();
        context.progress().say("SSE: the limits allow %,d streams, bounded by %s (Hearth pid %d; client limit %,d; %,d ports)",
                budget.streams(), budget.boundBy(), budget.hearthPid(), budget.clientLimit(), budget.ports());
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

        String note = Notes.join(attempt < budget.streams()
                        ? String.format("attempted %,d (smoke run); the limits allow %,d, bounded by %s", attempt, budget.streams(), budget.boundBy())
                        : String.format("attempted %,d: bounded by %s", attempt, budget.boundBy()),
                "Hearth holds 2 descriptors per stream (caller + agent connection): HTTP/1.1 agents serve one response per"
                        + " connection, so streams cannot share agent connections",
                String.format("%d agent processes; opened in %.1f s (direct %.1f s)", rig.size(), hearth.openSeconds(),
                        baseline.openSeconds()),
                hearth.firstFailure().isEmpty() ? "" : "first Hearth failure: " + hearth.firstFailure());
        Target target = config.smoke() ? new Target.AtLeast(attempt)
                : new Target.AsManyAs(attempt, budget.descriptorBound() ? "the host's descriptor limit" : "the loopback port range");
        var rows = List.of(Row.measured(Section.SSE_STREAMS.title(), "concurrent SSE streams held", Unit.STREAMS, "direct",
                baseline.held(), hearth.held(), target, note));
        var details = new LinkedHashMap<String, Object>();
        details.put("limits", budget);
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
