package io.hearth.server.internal;

import io.hearth.auth.AuthException;
import io.hearth.auth.PayloadCheck;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * The request with its body fed chunk by chunk to the signature's {@link PayloadCheck} as the handler reads it, never
 * held whole. The check ends with the body's last byte, before that chunk is handed on: a body that does not match
 * reads as failed instead, so whatever it was streaming to (an agent) sees an aborted request, never a complete one.
 */
final class CheckedBody extends Request.Wrapper {
    private final PayloadCheck check;
    private final long declaredLength;
    private long seen;
    private boolean finished;
    private Content.Chunk failure;
    private volatile AuthException mismatch;

    CheckedBody(Request request, PayloadCheck check) {
        super(request);
        this.check = check;
        this.declaredLength = request.getLength();
    }

    /** The body's mismatch, once read: what the caller is told, whatever the handler made of the failed read. */
    java.util.Optional<AuthException> mismatch() {
        return java.util.Optional.ofNullable(mismatch);
    }

    @Override
    public Content.Chunk read() {
        if (failure != null) {
            return failure;
        }
        Content.Chunk chunk = super.read();
        if (chunk == null || Content.Chunk.isFailure(chunk) || finished) {
            return chunk;
        }
        try {
            check.update(chunk.getByteBuffer());
            seen += chunk.remaining();
            if (chunk.isLast() || (declaredLength >= 0 && seen >= declaredLength)) {
                finished = true;
                check.finish();
            }
            return chunk;
        } catch (AuthException e) {
            chunk.release();
            mismatch = e;
            // In the AWS shape: a handler that reports the failed read as it found it answers with the refusal.
            failure = Content.Chunk.from(e.toApiException(), true);
            return failure;
        }
    }
}
