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
import org.eclipse.jetty.http.HttpMethod;
import tools.jackson.databind.JsonNode;

/**
 * A new session when a warm pool has a sandbox ready: claim + first byte, against an invoke on a session that is
 * already warm, both on a fresh connection. Uses Hearth's pool API ({@code PUT /hearth/v1/pools/{runtime}/{endpoint}});
 * a server without it answers 404 and the row says so.
 */
public final class PoolMeasurement implements Measurement {
    private static final double CLAIM_BUDGET_MS = 10;
    private static final Duration REFILL = Duration.ofSeconds(30);

    @Override
    public Section section() {
        return Section.WARM_POOL;
    }

    @Override
    public SectionResult run(BenchContext context) throws IOException {
        var config = context.config();
        String section = Section.WARM_POOL.title();
        String measurement = "new session from the pool: claim → first byte, p99";
        Target target = new Target.AtMostPlus(CLAIM_BUDGET_MS, "warm p99");
        if (!AgentArtifacts.pythonAvailable()) {
            return new SectionResult(List.of(Row.skipped(section, measurement, Unit.MILLISECONDS, "warm invoke", target,
                    "/usr/bin/python3 not installed")), Map.of());
        }
        HearthNode hearth = context.hearth();
        DeployedRuntime runtime = hearth.deploy("pool", context.artifacts().pythonAgent(), "PYTHON_3_12",
                List.of(AgentArtifacts.PYTHON_ENTRY), Map.of());
        String poolPath = "/hearth/v1/pools/" + runtime.id() + "/DEFAULT";
        try {
            int minIdle = config.smoke() ? 1 : 4;
            HearthNode.Reply configured = hearth.call(HttpMethod.PUT, poolPath,
                    Json.compact(Map.of("minIdle", minIdle, "maxIdle", minIdle, "maxIdleAgeSeconds", 600)));
            if (configured.status() == 404) {
                context.progress().say("warm pool: PUT %s answered 404: pool API not available", poolPath);
                return new SectionResult(List.of(Row.skipped(section, measurement, Unit.MILLISECONDS, "warm invoke", target,
                        "pool API not available (PUT /hearth/v1/pools/… answered 404)")), Map.of("status", 404));
            }
            if (configured.status() / 100 != 2) {
                throw new IllegalStateException("PUT " + poolPath + ": HTTP " + configured.status() + " " + configured.body()
                        + " (expected: 2xx)");
            }
            awaitReady(hearth, runtime, minIdle);

            String path = HearthNode.invocationPath(runtime);
            String warmSession = HearthNode.newSessionId();
            Readiness.hearthFirstByte(hearth.address(), path, HearthNode.SESSION_HEADER, warmSession);
            var warm = new ArrayList<Double>();
            for (int i = 0; i < config.poolSamples(); i++) {
                long started = System.nanoTime();
                long firstByte = Readiness.hearthFirstByte(hearth.address(), path, HearthNode.SESSION_HEADER, warmSession);
                warm.add((firstByte - started) / 1e6);
            }
            var claims = new ArrayList<Double>();
            for (int i = 0; i < config.poolSamples(); i++) {
                awaitReady(hearth, runtime, minIdle);
                String session = HearthNode.newSessionId();
                long started = System.nanoTime();
                long firstByte = Readiness.hearthFirstByte(hearth.address(), path, HearthNode.SESSION_HEADER, session);
                claims.add((firstByte - started) / 1e6);
                hearth.stopSession(runtime, session);
            }
            double warmP99 = Samples.quantile(warm, 0.99);
            double claimP99 = Samples.quantile(claims, 0.99);
            context.progress().say("warm pool: warm invoke p99 %.2f ms, claim p99 %.2f ms", warmP99, claimP99);
            var rows = List.of(
                    Row.measured(section, measurement, Unit.MILLISECONDS, "warm invoke", warmP99, claimP99, target,
                            String.format("%d claims, pool minIdle %d; p50 warm %.2f ms, claim %.2f ms", claims.size(), minIdle,
                                    Samples.quantile(warm, 0.5), Samples.quantile(claims, 0.5))));
            var details = new LinkedHashMap<String, Object>();
            details.put("minIdle", minIdle);
            details.put("warmMillis", warm);
            details.put("claimMillis", claims);
            return new SectionResult(rows, details);
        } finally {
            // Pool first, so it does not refill for a runtime that is going away.
            hearth.call(HttpMethod.DELETE, poolPath, null);
            hearth.delete(runtime);
        }
    }

    /** Waits until the pool of {@code runtime} reports at least {@code ready} sandboxes ready. */
    private static void awaitReady(HearthNode hearth, DeployedRuntime runtime, int ready) {
        long deadline = System.nanoTime() + REFILL.toNanos();
        int seen = 0;
        while (System.nanoTime() < deadline) {
            HearthNode.Reply pools = hearth.call(HttpMethod.GET, "/hearth/v1/pools", null);
            if (pools.status() == 200) {
                for (JsonNode pool : Json.tree(pools.body()).path("pools")) {
                    if (pool.path("runtimeId").asString().equals(runtime.id())
                            && pool.path("endpointName").asString("DEFAULT").equals("DEFAULT")) {
                        seen = pool.path("ready").asInt(0);
                    }
                }
                if (seen >= ready) {
                    return;
                }
            }
            Readiness.sleepMillis(20);
        }
        throw new IllegalStateException("pool of " + runtime.name() + ": " + seen + " ready after " + REFILL.toSeconds()
                + " s (expected: at least " + ready + ")");
    }
}
