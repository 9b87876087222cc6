package io.hearth.router.tracing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One invocation's trace while it runs: a root span from the request's arrival to the end of its answer, and the
 * steps in between. The request path only stamps times and ids; the {@link SpanRecord}s are built later, off that
 * path, when the trace is exported or read.
 */
public final class InvocationTrace {
    /** The request attribute that carries an invocation's trace through the router. */
    public static final String ATTRIBUTE = InvocationTrace.class.getName();

    public static final String RUNTIME_ID = "hearth.runtime.id";
    public static final String ENDPOINT = "hearth.endpoint";
    public static final String SESSION_ID = "hearth.session.id";
    public static final String REQUEST_ID = "aws.request_id";
    public static final String ISOLATION = "hearth.isolation";
    public static final String START = "hearth.start";
    public static final String STATUS = "http.response.status_code";
    public static final String ERROR_TYPE = "error.type";

    private final String traceId;
    private final String rootSpanId;
    private final Optional<String> callerSpanId;
    private final String flags;
    private final long epochStart;
    private final long monoStart;
    private final Map<String, String> attributes = new LinkedHashMap<>(12);
    private final List<Step> steps = new ArrayList<>(6);
    private String runtimeId = "";
    private String sessionId = "";
    private String tenant = "";
    private String agentSpanId;
    private long agentStart;
    private long agentAnswered;
    private int agentStatus;
    private long end = -1;
    private Optional<String> error = Optional.empty();
    private List<SpanRecord> built;

    private record Step(String spanId, String parent, String name, long start, long end, Map<String, String> attributes) {}

    private InvocationTrace(Optional<TraceContext> caller) {
        this.traceId = caller.map(TraceContext::traceId).orElseGet(TraceContext::newTraceId);
        this.callerSpanId = caller.map(TraceContext::spanId);
        this.flags = caller.map(TraceContext::flags).orElse("01");
        this.rootSpanId = TraceContext.newSpanId();
        this.monoStart = System.nanoTime();
        Instant now = Instant.now();
        this.epochStart = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** A trace that continues the caller's {@code traceparent} when it is valid, and starts a new one otherwise. */
    public static InvocationTrace start(String traceparent) {
        return new InvocationTrace(TraceContext.parse(traceparent));
    }

    /** The clock every step is stamped with. */
    public static long now() {
        return System.nanoTime();
    }

    public String traceId() {
        return traceId;
    }

    public String rootSpanId() {
        return rootSpanId;
    }

    public synchronized void attribute(String key, String value) {
        attributes.put(key, value);
    }

    /** Which session the invocation reached, and whose: the trace is kept for that session's trace view. */
    public synchronized void session(String runtimeId, String endpoint, String sessionId, String tenant) {
        this.runtimeId = runtimeId;
        this.sessionId = sessionId;
        this.tenant = tenant;
        attributes.put(RUNTIME_ID, runtimeId);
        attributes.put(ENDPOINT, endpoint);
        attributes.put(SESSION_ID, sessionId);
    }

    /** A step under the root span; returns its span id, so that steps may nest. */
    public String step(String name, long start, long end, Map<String, String> stepAttributes) {
        return step(rootSpanId, name, start, end, stepAttributes);
    }

    public synchronized String step(String parent, String name, long start, long end, Map<String, String> stepAttributes) {
        String id = TraceContext.newSpanId();
        steps.add(new Step(id, parent, name, start, Math.max(start, end), stepAttributes));
        return id;
    }

    /** Converts a wall-clock instant (a session's start, say) to this trace's clock. */
    public long at(Instant instant) {
        long epoch = instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
        return monoStart + (epoch - epochStart);
    }

    /**
     * The agent request starts: returns the {@code traceparent} it carries, whose parent is the agent call's span, so
     * that the agent's own spans join this trace under it. A retry on a fresh sandbox starts a second agent call.
     */
    public synchronized String agentCall() {
        if (agentSpanId != null) {
            steps.add(new Step(agentSpanId, rootSpanId, "agent.call", agentStart, now(), Map.of(ERROR_TYPE, "retried")));
        }
        agentSpanId = TraceContext.newSpanId();
        agentStart = now();
        agentAnswered = 0;
        return TraceContext.traceparent(traceId, agentSpanId, flags);
    }

    /** The agent's status and headers arrived: the call ends and its answer's stream begins. */
    public synchronized void agentAnswered(int status) {
        agentAnswered = now();
        agentStatus = status;
    }

    /** The caller's exchange is over; true the first time only. */
    synchronized boolean finish(int status, Optional<String> errorType) {
        if (end >= 0) {
            return false;
        }
        end = now();
        attributes.put(STATUS, Integer.toString(status));
        error = errorType.or(() -> status >= 400 ? Optional.of(Integer.toString(status)) : Optional.empty());
        error.ifPresent(e -> attributes.put(ERROR_TYPE, e));
        return true;
    }

    synchronized String runtimeId() {
        return runtimeId;
    }

    synchronized String sessionId() {
        return sessionId;
    }

    synchronized String tenant() {
        return tenant;
    }

    /** The finished trace's spans, root first; built once, on whichever thread asks first (an exporter, a reader). */
    synchronized List<SpanRecord> spans() {
        if (built != null) {
            return built;
        }
        long last = end >= 0 ? end : now();
        var spans = new ArrayList<SpanRecord>(steps.size() + 3);
        spans.add(new SpanRecord(traceId, rootSpanId, callerSpanId, "invoke", SpanRecord.Kind.SERVER, epoch(monoStart),
                last - monoStart, attributes, error));
        for (Step step : steps) {
            spans.add(new SpanRecord(traceId, step.spanId, Optional.of(step.parent), step.name,
                    step.name.equals("agent.call") ? SpanRecord.Kind.CLIENT : SpanRecord.Kind.INTERNAL,
                    epoch(step.start), step.end - step.start, step.attributes,
                    Optional.ofNullable(step.attributes.get(ERROR_TYPE))));
        }
        if (agentSpanId != null) {
            long answered = agentAnswered > 0 ? agentAnswered : last;
            var callAttributes = new LinkedHashMap<String, String>();
            if (agentStatus > 0) {
                callAttributes.put(STATUS, Integer.toString(agentStatus));
            }
            Optional<String> callError = agentStatus >= 400 ? Optional.of(Integer.toString(agentStatus))
                    : agentAnswered > 0 ? Optional.empty() : error;
            spans.add(new SpanRecord(traceId, agentSpanId, Optional.of(rootSpanId), "agent.call", SpanRecord.Kind.CLIENT,
                    epoch(agentStart), answered - agentStart, callAttributes, callError));
            if (agentAnswered > 0) {
                spans.add(new SpanRecord(traceId, TraceContext.newSpanId(), Optional.of(rootSpanId), "stream",
                        SpanRecord.Kind.INTERNAL, epoch(agentAnswered), Math.max(0, last - agentAnswered), Map.of(), error));
            }
        }
        if (end >= 0) {
            built = List.copyOf(spans);
            return built;
        }
        return spans;
    }

    private long epoch(long mono) {
        return epochStart + (mono - monoStart);
    }
}
