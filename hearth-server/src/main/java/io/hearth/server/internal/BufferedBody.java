package io.hearth.server.internal;

import java.nio.ByteBuffer;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/** The request with a body already read whole (and checked) served from memory. */
final class BufferedBody extends Request.Wrapper {
    private final long length;
    private Content.Chunk body;

    BufferedBody(Request request, byte[] bytes) {
        super(request);
        this.length = bytes.length;
        this.body = Content.Chunk.from(ByteBuffer.wrap(bytes), true);
    }

    @Override
    public Content.Chunk read() {
        Content.Chunk next = body;
        body = Content.Chunk.EOF;
        return next;
    }

    @Override
    public void demand(Runnable demandCallback) {
        demandCallback.run();
    }

    @Override
    public long getLength() {
        return length;
    }
}
