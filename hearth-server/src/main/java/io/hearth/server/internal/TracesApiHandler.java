package io.hearth.server.internal;

import static java.util.Objects.requireNonNull;

import io.hearth.api.ApiException;
import io.hearth.api.FieldError;
import io.hearth.http.PathSegments;
import io.hearth.http.Replies;
import io.hearth.router.tracing.SpanRecord;
import io.hearth.router.tracing.Tracing;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * {@code GET /hearth/v1/sessions/{sessionId}/traces?runtimeId=}: the session's recent invocation traces, kept in
 * memory (docs/tracing.md). The caller's tenant's sessions only, every tenant's for the root tenant; another
 * tenant's session reads as one with no traces.
 */
public final class TracesApiHandler extends Handler.Abstract {
    private final Tracing tracing;
    private final Tenancy tenancy;

    public TracesApiHandler(Tracing tracing, String rootTenant) {
        this.tracing = requireNonNull(tracing, "tracing");
        this.tenancy = new Tenancy(rootTenant, (tenant, runtimeId) -> false);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        List<String> path = PathSegments.of(request);
        if (path.size() != 5 || !path.get(0).equals("hearth") || !path.get(1).equals("v1")
                || !path.get(2).equals("sessions") || !path.get(4).equals("traces")) {
            return false;
        }
        if (!request.getMethod().equals("GET")) {
            throw ApiException.notFound("No Hearth operation at " + request.getMethod() + " " + request.getHttpURI().getPath());
        }
        String sessionId = path.get(3);
        Fields query = Request.extractQueryParameters(request);
        String runtimeId = query.getValue("runtimeId");
        if (runtimeId == null || runtimeId.isBlank()) {
            String message = "runtimeId: missing (expected: the query parameter runtimeId naming the session's agent runtime)";
            throw ApiException.validation(message, new FieldError("runtimeId", message));
        }
        var caller = Tenancy.caller(request);
        var traces = tracing.session(runtimeId, sessionId).stream()
                .filter(t -> tenancy.sees(caller, t.tenant()))
                .map(TracesApiHandler::view)
                .toList();
        Replies.json(response, 200, Map.of("runtimeId", runtimeId, "sessionId", sessionId, "traces", traces), callback);
        return true;
    }

    private static Map<String, Object> view(Tracing.SessionTrace trace) {
        var view = new LinkedHashMap<String, Object>();
        view.put("traceId", trace.traceId());
        view.put("spans", trace.spans().stream().map(TracesApiHandler::span).toList());
        return view;
    }

    private static Map<String, Object> span(SpanRecord span) {
        var view = new LinkedHashMap<String, Object>();
        view.put("traceId", span.traceId());
        view.put("spanId", span.spanId());
        span.parentSpanId().ifPresent(p -> view.put("parentSpanId", p));
        view.put("name", span.name());
        view.put("kind", span.kind().name());
        view.put("startTime", Instant.ofEpochSecond(0, span.startEpochNanos()).toString());
        view.put("startTimeUnixNano", span.startEpochNanos());
        view.put("durationNanos", span.durationNanos());
        view.put("attributes", span.attributes());
        view.put("status", span.error().isPresent() ? "ERROR" : "OK");
        span.error().ifPresent(e -> view.put("statusMessage", e));
        return view;
    }
}
