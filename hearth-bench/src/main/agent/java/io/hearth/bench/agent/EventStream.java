package io.hearth.bench.agent;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * One slow SSE response: the first event at once (so a caller can tell the stream is open), then one every
 * interval. A failed write (the caller went away) ends it; nothing is retried.
 */
final class EventStream {
    private final Response response;
    private final Callback done;
    private final Scheduler scheduler;
    private final int events;
    private final long intervalMs;

    EventStream(Response response, Callback done, Scheduler scheduler, int events, long intervalMs) {
        if (events < 1) {
            throw new IllegalArgumentException("events: " + events + " (expected: at least 1)");
        }
        this.response = response;
        this.done = done;
        this.scheduler = scheduler;
        this.events = events;
        this.intervalMs = intervalMs;
    }

    void start() {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        send(0);
    }

    private void send(int index) {
        boolean last = index == events - 1;
        byte[] event = ("data: {\"index\":" + index + "}\n\n").getBytes(StandardCharsets.US_ASCII);
        response.write(last, ByteBuffer.wrap(event), Callback.from(() -> {
            if (last) {
                done.succeeded();
            } else {
                scheduler.schedule(() -> send(index + 1), intervalMs, TimeUnit.MILLISECONDS);
            }
        }, done::failed));
    }
}
