package io.hearth.server.internal;

import io.hearth.api.ApiException;
import io.hearth.api.FieldError;
import io.hearth.http.JsonBodies;
import io.hearth.http.PathSegments;
import io.hearth.http.Replies;
import io.hearth.pool.PoolConfig;
import io.hearth.pool.PoolKey;
import io.hearth.pool.PoolManager;
import io.hearth.pool.PoolSchedule;
import io.hearth.pool.PoolStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import tools.jackson.databind.JsonNode;

/**
 * Warm pools through Hearth's own API:
 * <ul>
 *   <li>{@code GET /hearth/v1/pools}: every pool, with the node-wide cap</li>
 *   <li>{@code GET|PUT|DELETE /hearth/v1/pools/<runtimeId>/<endpoint>}: one endpoint's pool
 *       ({@code {"minIdle", "maxIdle", "maxIdleAgeSeconds", "predictive", "schedules": [{"cron", "size", "durationSeconds"}]}})</li>
 *   <li>{@code POST /hearth/v1/pools/<runtimeId>/<endpoint>/warm}: {@code {"count": 50, "forSeconds": 1200}}</li>
 * </ul>
 */
public final class PoolApiHandler extends Handler.Abstract {
    private static final int MAX_BODY_BYTES = 64 * 1024;

    private final PoolManager pools;
    private final Tenancy tenancy;

    /** @param tenancy a tenant other than the root sees and sets only its own runtimes' pools */
    PoolApiHandler(PoolManager pools, Tenancy tenancy) {
        this.pools = pools;
        this.tenancy = tenancy;
    }

    public PoolApiHandler(PoolManager pools, String rootTenant, java.util.function.BiPredicate<String, String> owns) {
        this(pools, new Tenancy(rootTenant, owns));
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        List<String> path = PathSegments.of(request);
        if (path.size() < 3 || !path.get(0).equals("hearth") || !path.get(1).equals("v1") || !path.get(2).equals("pools")) {
            return false;
        }
        String method = request.getMethod();
        var caller = Tenancy.caller(request);
        if (path.size() == 3 && method.equals("GET")) {
            var body = new LinkedHashMap<String, Object>();
            body.put("maxPooled", pools.maxPooled());
            body.put("pooled", pools.pooled());
            body.put("pools", pools.status().stream()
                    .filter(p -> tenancy.isRoot(caller) || tenancy.owns().test(caller.tenant(), p.runtimeId()))
                    .map(PoolApiHandler::view).toList());
            Replies.json(response, 200, body, callback);
            return true;
        }
        if (path.size() < 5) {
            throw ApiException.notFound("No pool operation at " + method + " " + request.getHttpURI().getPath()
                    + " (expected: /hearth/v1/pools/<runtimeId>/<endpoint>)");
        }
        tenancy.checkRuntime(caller, path.get(3));
        var key = new PoolKey(path.get(3), path.get(4));
        Object reply = switch (path.size() == 6 ? path.get(5) + " " + method : method) {
            case "GET" -> view(pools.status(key).orElseThrow(() -> ApiException.notFound("No pool for " + key)));
            case "PUT" -> view(pools.configure(key, config(body(request))));
            case "DELETE" -> Map.of("removed", pools.remove(key));
            case "warm POST" -> warm(key, body(request));
            default -> throw ApiException.notFound("No pool operation at " + method + " " + request.getHttpURI().getPath());
        };
        Replies.json(response, 200, reply, callback);
        return true;
    }

    private Map<String, Object> warm(PoolKey key, JsonNode body) {
        if (!body.path("count").canConvertToInt()) {
            throw ApiException.validation("count: " + body.path("count") + " (expected: a whole number of sandboxes)",
                    new FieldError("count", "required"));
        }
        long seconds = body.path("forSeconds").asLong(1_200);
        try {
            return view(pools.warm(key, body.path("count").asInt(), Duration.ofSeconds(seconds)));
        } catch (IllegalArgumentException e) {
            // The pool layer names the value and what it expected; the field is the part before the colon.
            String field = e.getMessage().contains(":") ? e.getMessage().substring(0, e.getMessage().indexOf(':')) : "warm";
            throw ApiException.validation(e.getMessage(), new FieldError(field, e.getMessage()));
        }
    }

    private static PoolConfig config(JsonNode body) {
        try {
            int minIdle = body.path("minIdle").asInt(0);
            int maxIdle = body.has("maxIdle") ? body.path("maxIdle").asInt() : Math.max(minIdle, 1);
            var schedules = new ArrayList<PoolSchedule>();
            for (JsonNode s : body.path("schedules")) {
                schedules.add(new PoolSchedule(s.path("cron").asString(""), s.path("size").asInt(0),
                        s.path("durationSeconds").asLong(0)));
            }
            return new PoolConfig(minIdle, maxIdle, body.path("maxIdleAgeSeconds").asLong(PoolConfig.DEFAULT_MAX_IDLE_AGE),
                    body.path("predictive").asBoolean(true), schedules);
        } catch (IllegalArgumentException e) {
            throw ApiException.validation("pool: " + e.getMessage(), new FieldError("pool", e.getMessage()));
        }
    }

    private static JsonNode body(Request request) {
        return JsonBodies.read(request, MAX_BODY_BYTES);
    }

    private static Map<String, Object> view(PoolStatus s) {
        var view = new LinkedHashMap<String, Object>();
        view.put("runtimeId", s.runtimeId());
        view.put("endpointName", s.endpointName());
        view.put("source", s.source());
        view.put("config", s.config());
        s.version().ifPresent(v -> view.put("version", v));
        view.put("ready", s.ready());
        view.put("starting", s.starting());
        view.put("desired", s.desired());
        view.put("reason", s.reason());
        view.put("arrivalsPerSecond", s.arrivalsPerSecond());
        view.put("coldStartMillis", s.coldStartMillis());
        view.put("hits", s.hits());
        view.put("misses", s.misses());
        return view;
    }
}
