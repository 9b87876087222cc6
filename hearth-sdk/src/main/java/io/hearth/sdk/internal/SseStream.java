package io.hearth.sdk.internal;

import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * One streamed answer: the headers the TypeScript SDK sends, then each event as it is produced, and a
 * {@code : heartbeat} comment after every 30 seconds without one, so that no proxy between caller and agent closes a
 * stream that only waits on a slow model.
 */
final class SseStream {
    private final Response response;
    private final Scheduler scheduler;
    private final Executor executor;
    private final long heartbeatMillis;
    private final ReentrantLock lock = new ReentrantLock();
    private boolean started;
    private boolean ended;
    private long lastWriteNanos = System.nanoTime();
    private Scheduler.Task heartbeat;

    SseStream(Response response, Scheduler scheduler, Executor executor, long heartbeatMillis) {
        this.response = response;
        this.scheduler = scheduler;
        this.executor = executor;
        this.heartbeatMillis = heartbeatMillis;
    }

    void send(byte[] frame) throws IOException {
        lock.lock();
        try {
            start();
            lastWriteNanos = System.nanoTime();
            Replies.write(response, false, frame);
        } finally {
            lock.unlock();
        }
    }

    private void start() {
        if (!started) {
            started = true;
            response.setStatus(200);
            var headers = response.getHeaders();
            headers.put(HttpHeader.CONTENT_TYPE, "text/event-stream");
            headers.put(HttpHeader.CACHE_CONTROL, "no-cache");
            headers.put(HttpHeader.CONNECTION, "keep-alive");
            headers.put("X-Accel-Buffering", "no");
            scheduleHeartbeat(heartbeatMillis);
        }
    }

    void end() throws IOException {
        lock.lock();
        try {
            start();
            stopBeating();
            Replies.write(response, true, new byte[0]);
        } finally {
            lock.unlock();
        }
    }

    /** After the caller left: no more heartbeats. */
    void abandon() {
        lock.lock();
        try {
            stopBeating();
        } finally {
            lock.unlock();
        }
    }

    private void stopBeating() {
        ended = true;
        if (heartbeat != null) {
            heartbeat.cancel();
        }
    }

    private void scheduleHeartbeat(long delayMillis) {
        heartbeat = scheduler.schedule(() -> executor.execute(this::beat), delayMillis, TimeUnit.MILLISECONDS);
    }

    private void beat() {
        lock.lock();
        try {
            if (ended) {
                return;
            }
            long quietMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastWriteNanos);
            if (quietMillis >= heartbeatMillis) {
                lastWriteNanos = System.nanoTime();
                Replies.write(response, false, SseFrames.heartbeat());
                scheduleHeartbeat(heartbeatMillis);
            } else {
                scheduleHeartbeat(heartbeatMillis - quietMillis);
            }
        } catch (IOException e) {
            // The caller left: the producer finds out at its next write and stops there.
            ended = true;
        } finally {
            lock.unlock();
        }
    }
}
