package io.hearth.router.internal;

import io.hearth.api.ApiException;
import io.hearth.http.Replies;
import io.hearth.router.ResumableStreamSettings;
import io.hearth.session.EndReason;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One numbered SSE answer, from the agent to whichever caller is attached. Each chunk the agent sends is numbered
 * ({@link SseEvents}), kept in the {@link StreamTail} and written to the attached caller; the next chunk is read only
 * once the caller took this one, as a plain copy would. When the caller drops, the agent's answer goes on being read
 * into the tail until the tail is full (then the agent waits), and is aborted {@code hold} after the drop unless a
 * caller reattaches: it is sent the tail from the event after its last one, then the rest as it comes. The newest
 * caller wins; an older one still attached is cut. The agent's exchange (the session's busy mark) ends when a
 * caller was sent the whole answer, or when the stream is abandoned: a stream still open is never idle.
 *
 * <p>All state is guarded by {@code this}; writes, reads and aborts happen outside the lock, one at a time, driven
 * by {@link #advance()}.
 */
final class ResumableStream {
    private static final Logger LOG = LoggerFactory.getLogger(ResumableStream.class);
    /** Replays are written in pieces of at most this; live chunks go as the agent sent them. */
    private static final int WRITE_LIMIT = 64 * 1024;

    final String id;
    private final AgentSide agent;
    private final Content.Source agentBody;
    private final String contentType;
    private final Duration hold;
    private final Scheduler scheduler;
    private final Runnable forget;
    private final SseEvents events;
    private final StreamTail tail;

    private Caller caller;
    private boolean reading;
    private boolean agentDone;
    private Throwable agentFailure;
    private boolean over;
    private boolean iterating;
    private boolean again;
    private Scheduler.Task expiry;

    /**
     * What the stream needs of the agent's side: its answer's body, how to abort it, how to release the session
     * (the exchange that keeps it busy), and why the session ended, if it did.
     */
    record AgentSide(String sessionId, Content.Source body, Consumer<Throwable> abort, Runnable release,
            Supplier<Optional<EndReason>> endedBy) {}

    ResumableStream(String id, AgentSide agent, String contentType, ResumableStreamSettings settings,
            Scheduler scheduler, Runnable forget) {
        this.id = id;
        this.agent = agent;
        this.agentBody = agent.body();
        this.contentType = contentType;
        this.hold = settings.hold();
        this.scheduler = scheduler;
        this.forget = forget;
        this.events = new SseEvents(id);
        this.tail = new StreamTail(settings.tailBytes());
    }

    /** The caller whose invocation started the answer; its response's head is already set. */
    void start(Response response, Callback callback) {
        synchronized (this) {
            caller = new Caller(response, callback, 0);
        }
        advance();
    }

    /**
     * A caller reattaching after event {@code seq}: it is sent what followed that event, then the live rest.
     *
     * @throws ApiException.NotFound when what followed that event is no longer held (or was never sent)
     */
    void attach(long seq, String sessionId, Response response, Callback callback) {
        Caller old;
        synchronized (this) {
            if (over) {
                throw ApiException.notFound("Stream " + id + " of session " + sessionId + " is no longer held: it ended"
                        + " or was abandoned (expected: a stream whose caller dropped at most " + hold.toSeconds() + " s ago)");
            }
            long from = tail.resumeOffset(seq).orElseThrow(() -> notHeld(seq, sessionId));
            old = caller;
            caller = new Caller(response, callback, from);
            if (expiry != null) {
                expiry.cancel();
                expiry = null;
            }
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
            response.getHeaders().put(ResumableStreams.STREAM_ID, id);
        }
        if (old != null) {
            LOG.debug("stream {}: a newer caller reattached after event {}; the older one is cut", id, seq);
            old.fail(new Superseded(id));
        }
        advance();
    }

    private ApiException notHeld(long seq, String sessionId) {
        long last = tail.lastSeq();
        if (seq > last) {
            return ApiException.notFound("Event " + id + "." + seq + " of session " + sessionId + " was never sent"
                    + " (expected: at most " + id + "." + last + ", the latest event of that stream)");
        }
        String message = "The events after " + id + "." + seq + " of session " + sessionId + " are no longer held: this"
                + " stream keeps at most " + tail.maxBytes() + " bytes of its latest events, now the events after "
                + id + "." + tail.firstResumableSeq() + " through " + id + "." + last
                + " (expected: a Last-Event-ID from " + id + "." + tail.firstResumableSeq() + " on)";
        if (tail.oversized(seq + 1)) {
            message += "; event " + id + "." + (seq + 1) + " alone was larger than that, so it streamed through"
                    + " but cannot be replayed";
        }
        return ApiException.notFound(message);
    }

    /** Runs what the state calls for until nothing is left to do; a call while another runs makes it look again. */
    private void advance() {
        synchronized (this) {
            if (iterating) {
                again = true;
                return;
            }
            iterating = true;
        }
        while (true) {
            Runnable action;
            synchronized (this) {
                action = next();
                if (action == null) {
                    if (again) {
                        again = false;
                        continue;
                    }
                    iterating = false;
                    return;
                }
            }
            action.run();
        }
    }

    private Runnable next() {
        if (over) {
            return null;
        }
        Caller c = caller;
        if (c != null && !c.writing) {
            if (c.cursor < tail.end()) {
                ByteBuffer slice = tail.read(c.cursor, WRITE_LIMIT);
                c.writing = true;
                return () -> write(c, slice);
            }
            if (agentDone) {
                caller = null;
                over = true;
                return () -> end(c);
            }
        }
        boolean room = c == null ? !tail.full() : !c.writing && c.cursor == tail.end();
        if (!reading && !agentDone && room) {
            reading = true;
            return this::read;
        }
        return null;
    }

    private void write(Caller c, ByteBuffer slice) {
        int length = slice.remaining();
        c.response.write(false, slice, Callback.from(() -> written(c, length), failure -> dropped(c, failure)));
    }

    private void written(Caller c, int length) {
        synchronized (this) {
            c.cursor += length;
            c.writing = false;
            if (caller == c) {
                tail.evict(c.cursor);
            }
        }
        advance();
    }

    private void dropped(Caller c, Throwable failure) {
        boolean detached = false;
        synchronized (this) {
            c.writing = false;
            if (caller == c) {
                caller = null;
                detached = true;
                if (!over) {
                    expiry = scheduler.schedule(this::expire, hold.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
        }
        if (detached) {
            LOG.debug("stream {}: its caller dropped ({}); held for {} s", id, failure.toString(), hold.toSeconds());
        }
        c.fail(failure);
        advance();
    }

    private void read() {
        Content.Chunk chunk = agentBody.read();
        if (chunk == null) {
            agentBody.demand(() -> {
                synchronized (this) {
                    reading = false;
                }
                advance();
            });
            return;
        }
        if (Content.Chunk.isFailure(chunk)) {
            synchronized (this) {
                reading = false;
                agentDone = true;
                agentFailure = chunk.getFailure();
            }
            agent.abort().accept(chunk.getFailure());
            return;
        }
        SseEvents.Piece piece = events.feed(chunk.getByteBuffer());
        boolean last = chunk.isLast();
        chunk.release();
        synchronized (this) {
            tail.append(piece);
            if (last) {
                tail.append(events.finish());
                agentDone = true;
            }
            reading = false;
        }
    }

    /** Everything the agent sent reached the caller: end its answer as the agent's ended. */
    private void end(Caller c) {
        Throwable failure;
        synchronized (this) {
            failure = agentFailure;
        }
        forget.run();
        agent.release().run();
        if (failure == null || agent.endedBy().get().filter(AgentCall::endsStreamsCleanly).isPresent()) {
            c.response.write(true, null, Callback.from(c::succeed, c::fail));
        } else if (!c.response.isCommitted()) {
            // Not a byte of it was sent: the caller can still get a proper error rather than a cut stream.
            c.response.getHeaders().remove(ResumableStreams.STREAM_ID);
            Replies.error(c.response, ApiException.runtimeClient("The agent of session " + agent.sessionId()
                    + " failed mid-answer: " + failure), Callback.from(c::succeed, c::fail));
        } else {
            c.fail(failure); // cut, so the caller can tell the answer is incomplete
        }
    }

    /** No caller came back within {@code hold}: the agent's answer is aborted and the session released. */
    private void expire() {
        boolean done;
        synchronized (this) {
            if (caller != null || over) {
                return;
            }
            over = true;
            expiry = null;
            done = agentDone;
        }
        if (!done) {
            LOG.info("session {}: no caller reattached to stream {} within {} s of its caller dropping; the agent's"
                    + " answer is aborted", agent.sessionId(), id, hold.toSeconds());
            agent.abort().accept(new Abandoned(id, hold));
        }
        agent.release().run();
        forget.run();
    }

    private static final class Caller {
        final Response response;
        final Callback callback;
        private final AtomicBoolean finished = new AtomicBoolean();
        long cursor;
        boolean writing;

        Caller(Response response, Callback callback, long cursor) {
            this.response = response;
            this.callback = callback;
            this.cursor = cursor;
        }

        void succeed() {
            if (finished.compareAndSet(false, true)) {
                callback.succeeded();
            }
        }

        void fail(Throwable failure) {
            if (finished.compareAndSet(false, true)) {
                callback.failed(failure);
            }
        }
    }

    /** A newer caller reattached to the same stream. */
    static final class Superseded extends RuntimeException {
        Superseded(String id) {
            super("a newer caller reattached to stream " + id, null, false, false);
        }
    }

    /** Nobody reattached within the hold. */
    static final class Abandoned extends RuntimeException {
        Abandoned(String id, Duration hold) {
            super("no caller reattached to stream " + id + " within " + hold.toSeconds() + " s", null, false, false);
        }
    }
}
