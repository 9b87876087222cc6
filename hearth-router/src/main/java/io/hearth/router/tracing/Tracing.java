package io.hearth.router.tracing;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Invocation traces (docs/tracing.md): each is kept in memory for its session's trace view and, when a collector is
 * configured, exported over OTLP/HTTP in batches off the request path.
 */
public final class Tracing implements AutoCloseable {
    private final TracingSettings settings;
    private final TraceStore store;
    private final Optional<OtlpExporter> exporter;

    public Tracing(TracingSettings settings) {
        this.settings = requireNonNull(settings, "settings");
        this.store = new TraceStore(settings.tracesPerSession(), settings.maxTraces());
        this.exporter = settings.otlpTracesUrl().map(url -> new OtlpExporter(url, settings.protocol(), settings.serviceName()));
    }

    /** Kept in memory only: what the data plane uses when nothing else was configured. */
    public static Tracing inMemory() {
        return new Tracing(TracingSettings.DEFAULT);
    }

    public TracingSettings settings() {
        return settings;
    }

    /** A new invocation's trace, continuing the caller's {@code traceparent} if it sent a valid one. */
    public InvocationTrace start(String traceparent) {
        return InvocationTrace.start(traceparent);
    }

    /** The invocation's answer is over: its trace is kept and queued for export, once. Never blocks. */
    public void finish(InvocationTrace trace, int status, Optional<String> errorType) {
        if (!trace.finish(status, errorType)) {
            return;
        }
        if (!trace.sessionId().isEmpty()) {
            store.add(trace);
        }
        exporter.ifPresent(e -> e.offer(trace));
    }

    /** A session's kept traces, oldest first, with the tenant that owns them. */
    public List<SessionTrace> session(String runtimeId, String sessionId) {
        return store.of(runtimeId, sessionId).stream()
                .map(t -> new SessionTrace(t.traceId(), t.tenant(), t.spans()))
                .toList();
    }

    /** One kept trace: its id, the tenant of its runtime, its spans (root first). */
    public record SessionTrace(String traceId, String tenant, List<SpanRecord> spans) {
        public SessionTrace {
            requireNonNull(traceId, "traceId");
            requireNonNull(tenant, "tenant");
            spans = List.copyOf(spans);
        }
    }

    /** Exports what is queued, within {@code grace}. */
    public void close(Duration grace) {
        exporter.ifPresent(e -> e.close(grace));
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(2));
    }
}
