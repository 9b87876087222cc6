package io.hearth.router.internal;

import io.hearth.http.EventStreamMessage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Writes event-stream messages to a caller one at a time, each returning only once the network took it: the
 * writer's own back-pressure, so whoever produces the messages (a program's output) waits for a slow caller instead
 * of being buffered for it. Blocks; call it from virtual threads.
 */
public final class EventWriter {
    private final Response response;
    private final ReentrantLock lock = new ReentrantLock();
    private boolean ended;

    public EventWriter(Response response) {
        this.response = response;
    }

    /** Writes one message; the last one ends the response. */
    public void send(EventStreamMessage message, boolean last) {
        lock.lock();
        try {
            if (ended) {
                throw new CallerGone("the event stream has ended (expected: no message after the last)", null);
            }
            ended = last;
            var written = new Callback.Completable();
            response.write(last, message.encode(), written);
            written.get();
        } catch (ExecutionException e) {
            throw new CallerGone("the caller's connection failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CallerGone("interrupted while writing to the caller", e);
        } finally {
            lock.unlock();
        }
    }

    /** The caller can no longer be written to. */
    public static final class CallerGone extends RuntimeException {
        CallerGone(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
