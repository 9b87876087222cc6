package io.hearth.router.tracing;

import io.hearth.api.Json;
import io.hearth.api.Workers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts finished traces to an OTLP/HTTP collector in batches, protobuf- or JSON-encoded, from one worker: the request
 * path only queues a trace. A full queue drops the trace (counted, logged once a minute at most) rather than slow
 * invocations down; a collector that fails loses that batch, never more.
 */
final class OtlpExporter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OtlpExporter.class);
    static final int QUEUE = 4_096;
    static final int BATCH = 256;
    static final Duration FLUSH_EVERY = Duration.ofMillis(500);

    private final URI url;
    private final String serviceName;
    private final TracingSettings.Protocol protocol;
    private final BlockingQueue<InvocationTrace> queue = new ArrayBlockingQueue<>(QUEUE);
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Workers worker = Workers.bounded("hearth-otlp-export", 1, 1);
    private final AtomicLong droppedTraces = new AtomicLong();
    private final AtomicLong failedBatches = new AtomicLong();
    private volatile boolean closing;
    private long lastWarning;

    OtlpExporter(URI url, TracingSettings.Protocol protocol, String serviceName) {
        this.url = url;
        this.protocol = protocol;
        this.serviceName = serviceName;
        worker.execute(this::run);
    }

    void offer(InvocationTrace trace) {
        if (!queue.offer(trace)) {
            droppedTraces.incrementAndGet();
        }
    }

    long dropped() {
        return droppedTraces.get();
    }

    private void run() {
        var batch = new ArrayList<InvocationTrace>(BATCH);
        while (true) {
            try {
                InvocationTrace first = queue.poll(FLUSH_EVERY.toMillis(), TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, BATCH - 1);
                    send(batch);
                    batch.clear();
                } else if (closing) {
                    return;
                }
            } catch (InterruptedException e) {
                queue.drainTo(batch, BATCH);
                if (!batch.isEmpty()) {
                    send(batch); // the last batch on the way out; the client's own timeout bounds it
                }
                return;
            }
        }
    }

    private void send(List<InvocationTrace> traces) {
        byte[] body = protocol == TracingSettings.Protocol.HTTP_JSON ? Json.write(request(traces))
                : OtlpProtobuf.request(traces, serviceName);
        try {
            HttpResponse<Void> response = client.send(HttpRequest.newBuilder(url)
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", protocol.contentType())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() / 100 != 2) {
                warn("the collector at " + url + " answered " + response.statusCode());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            warn("export to " + url + " interrupted");
        } catch (java.io.IOException | RuntimeException e) {
            warn("export to " + url + " failed: " + e);
        }
    }

    private void warn(String what) {
        long failed = failedBatches.incrementAndGet();
        long now = System.nanoTime();
        if (lastWarning == 0 || now - lastWarning > TimeUnit.MINUTES.toNanos(1)) {
            lastWarning = now;
            LOG.warn("{}: {} batch(es) of spans lost so far, {} trace(s) dropped by a full queue", what, failed,
                    droppedTraces.get());
        }
    }

    /** An ExportTraceServiceRequest in OTLP's JSON encoding (ids as hex, times as decimal strings). */
    Map<String, Object> request(List<InvocationTrace> traces) {
        var spans = new ArrayList<Map<String, Object>>();
        for (InvocationTrace trace : traces) {
            for (SpanRecord span : trace.spans()) {
                spans.add(span(span));
            }
        }
        Map<String, Object> resource = Map.of("attributes", List.of(attribute("service.name", serviceName)));
        Map<String, Object> scope = Map.of("scope", Map.of("name", "io.hearth.router"), "spans", spans);
        return Map.of("resourceSpans", List.of(Map.of("resource", resource, "scopeSpans", List.of(scope))));
    }

    private static Map<String, Object> span(SpanRecord span) {
        var json = new LinkedHashMap<String, Object>();
        json.put("traceId", span.traceId());
        json.put("spanId", span.spanId());
        span.parentSpanId().ifPresent(p -> json.put("parentSpanId", p));
        json.put("name", span.name());
        json.put("kind", span.kind().otlp());
        json.put("startTimeUnixNano", Long.toString(span.startEpochNanos()));
        json.put("endTimeUnixNano", Long.toString(span.endEpochNanos()));
        var attributes = new ArrayList<Map<String, Object>>();
        span.attributes().forEach((key, value) -> attributes.add(attribute(key, value)));
        json.put("attributes", attributes);
        json.put("status", span.error().isPresent() ? Map.of("code", 2, "message", span.error().get()) : Map.of("code", 1));
        return json;
    }

    private static Map<String, Object> attribute(String key, String value) {
        return Map.of("key", key, "value", Map.of("stringValue", value));
    }

    /** Sends what is queued, waiting at most {@code grace}. */
    void close(Duration grace) {
        closing = true;
        worker.close(grace);
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(2));
    }
}
