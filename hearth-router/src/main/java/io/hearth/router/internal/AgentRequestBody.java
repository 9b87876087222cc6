package io.hearth.router.internal;

import io.hearth.api.ApiException;
import io.hearth.api.FieldError;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.io.Content;

/**
 * The caller's body as the proxy→agent request's content: read chunk by chunk only as the agent connection
 * can take it (so a slow agent slows the caller, and nothing is held whole), counted against the payload limit
 * while it streams. The first chunk may be read ahead to decide the Content-Type (see {@link ContentNegotiation}),
 * waiting for it without holding a thread.
 *
 * <p>The agent leg pulls the body only once its connection is up. Until it has, the body is untouched (a read-ahead
 * chunk is still held here) and may be sent on another agent call: a failure before then leaves the caller's body
 * as it is, and whoever gives up on it calls {@link #abandon}.
 */
public final class AgentRequestBody implements Request.Content {
    private final Content.Source caller;
    private final long limit;
    private final long declaredLength;
    private final String contentType;
    private final AtomicBoolean pulled = new AtomicBoolean();
    private Content.Chunk readAhead;
    private long seen;
    /**
     * A copy of what was sent, for a body small enough to keep (declared up to {@link #KEPT_LIMIT}): an agent that
     * dies before it answers leaves no way to tell whether it read the request, and such a body can be sent again.
     */
    private final byte[] kept;
    private int keptLength;
    private boolean sentWhole;
    /** The largest body kept for another agent call once sent. */
    static final int KEPT_LIMIT = 64 * 1024;

    private AgentRequestBody(Content.Source caller, long limit, long declaredLength, String contentType, Content.Chunk readAhead) {
        this.caller = caller;
        this.limit = limit;
        this.declaredLength = declaredLength;
        this.contentType = contentType;
        this.readAhead = readAhead;
        this.kept = declaredLength >= 0 && declaredLength <= KEPT_LIMIT ? new byte[(int) declaredLength] : null;
        if (readAhead != null) {
            count(readAhead);
        }
    }

    /**
     * The same body again, whole, for another agent call, when it was small enough to keep and was sent to its end;
     * empty otherwise.
     */
    public java.util.Optional<AgentRequestBody> again() {
        if (kept == null || !sentWhole) {
            return java.util.Optional.empty();
        }
        var source = new org.eclipse.jetty.io.content.ByteBufferContentSource(ByteBuffer.wrap(kept, 0, keptLength));
        return java.util.Optional.of(new AgentRequestBody(source, limit, declaredLength, contentType, null));
    }

    private Content.Chunk keep(Content.Chunk chunk) {
        if (kept != null && chunk != null && !Content.Chunk.isFailure(chunk)) {
            ByteBuffer bytes = chunk.getByteBuffer();
            int length = bytes == null ? 0 : bytes.remaining();
            if (length > kept.length - keptLength) {
                return chunk; // more than it declared: never whole, so never sent again
            }
            if (length > 0) {
                bytes.duplicate().get(kept, keptLength, length);
                keptLength += length;
            }
            if (chunk.isLast()) {
                sentWhole = true;
            }
        }
        return chunk;
    }

    /**
     * Wraps the caller's body and hands it to {@code then}, without blocking: when the type may be rewritten, once its
     * first chunk arrived (on the thread that delivers it), else at once on this thread. A body that cannot be read
     * goes to {@code failed} as the caller's answer instead.
     */
    public static void whenTyped(org.eclipse.jetty.server.Request caller, long limit, String callerType,
            Consumer<AgentRequestBody> then, Consumer<ApiException> failed) {
        if (!ContentNegotiation.mayRewrite(callerType)) {
            then.accept(new AgentRequestBody(caller, limit, caller.getLength(), callerType, null));
            return;
        }
        new FirstChunk(caller, limit, callerType, then, failed).run();
    }

    /** Reads until the first chunk is here, re-arming itself as the caller's demand callback while there is none. */
    private record FirstChunk(org.eclipse.jetty.server.Request caller, long limit, String callerType,
            Consumer<AgentRequestBody> then, Consumer<ApiException> failed) implements Runnable {
        @Override
        public void run() {
            Content.Chunk first = caller.read();
            if (first == null) {
                caller.demand(this);
                return;
            }
            if (Content.Chunk.isFailure(first)) {
                failed.accept(unreadable(first.getFailure()));
                return;
            }
            then.accept(typed(caller, limit, callerType, first));
        }
    }

    private static AgentRequestBody typed(org.eclipse.jetty.server.Request caller, long limit, String callerType,
            Content.Chunk first) {
        ByteBuffer peek = first.getByteBuffer() == null ? ByteBuffer.allocate(0) : first.getByteBuffer().asReadOnlyBuffer();
        String type = ContentNegotiation.contentType(callerType, peek);
        return new AgentRequestBody(caller, limit, caller.getLength(), type, first);
    }

    private static ApiException unreadable(Throwable failure) {
        return ApiException.cannotParse("payload: the request body could not be read (" + failure.getMessage() + ")");
    }

    @Override
    public String getContentType() {
        return contentType;
    }

    @Override
    public long getLength() {
        return declaredLength;
    }

    @Override
    public Content.Chunk read() {
        pulled.set(true);
        Content.Chunk chunk = readAhead;
        if (chunk != null) {
            readAhead = null;
            return limitExceeded() ? tooLarge(chunk) : keep(chunk);
        }
        chunk = caller.read();
        if (chunk == null || Content.Chunk.isFailure(chunk)) {
            return chunk;
        }
        count(chunk);
        return limitExceeded() ? tooLarge(chunk) : keep(chunk);
    }

    @Override
    public void demand(Runnable demandCallback) {
        pulled.set(true);
        if (readAhead != null) {
            demandCallback.run();
            return;
        }
        caller.demand(demandCallback);
    }

    @Override
    public void fail(Throwable failure) {
        if (pulled.get()) {
            caller.fail(failure);
        }
        // Untouched: kept whole for another agent call, or abandoned by the call that gives up.
    }

    /** True while no agent call has pulled anything of the body: it can still be sent whole on another call. */
    public boolean untouched() {
        return !pulled.get();
    }

    /** No agent call will send the body: fails the caller's body as a failed send would, and lets go of what is held. */
    public void abandon(Throwable failure) {
        pulled.set(true);
        Content.Chunk held = readAhead;
        readAhead = null;
        if (held != null) {
            held.release();
        }
        caller.fail(failure);
    }

    @Override
    public boolean rewind() {
        return false;
    }

    private void count(Content.Chunk chunk) {
        seen += chunk.remaining();
    }

    private boolean limitExceeded() {
        return seen > limit;
    }

    private Content.Chunk tooLarge(Content.Chunk chunk) {
        chunk.release();
        var failure = new PayloadTooLarge(limit);
        caller.fail(failure);
        return Content.Chunk.from(failure, true);
    }

    /** The body grew past the payload limit while streaming. */
    public static final class PayloadTooLarge extends RuntimeException {
        public PayloadTooLarge(long limit) {
            super("payload: more than " + limit + " bytes (expected: at most " + limit + " bytes)", null, false, false);
        }

        public ApiException asApiError() {
            return ApiException.validation(getMessage(), new FieldError("payload", getMessage()));
        }
    }
}
