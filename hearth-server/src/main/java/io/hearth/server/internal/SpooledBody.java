package io.hearth.server.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * The request with a body already read whole (and checked) served from its spool file a chunk at a time, never held
 * in memory. The file closes at the body's end, on a failed read, and when the request completes, whichever is first.
 */
final class SpooledBody extends Request.Wrapper {
    private static final int CHUNK_BYTES = 64 << 10;
    private final Spool.File file;
    private final long length;
    private long position;
    private Content.Chunk end;

    SpooledBody(Request request, Spool.File file) {
        super(request);
        this.file = file;
        this.length = file.size();
        Request.addCompletionListener(request, failure -> file.close());
    }

    @Override
    public Content.Chunk read() {
        if (end != null) {
            return end;
        }
        try {
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(CHUNK_BYTES, Math.max(0, length - position)));
            while (buffer.hasRemaining()) {
                int n = file.read(buffer, position + buffer.position());
                if (n < 0) {
                    throw new IOException("spool file ended at " + (position + buffer.position()) + " of " + length + " bytes");
                }
            }
            position += buffer.position();
            buffer.flip();
            boolean last = position >= length;
            if (last) {
                file.close();
                end = Content.Chunk.EOF;
            }
            return Content.Chunk.from(buffer, last);
        } catch (IOException e) {
            file.close();
            end = Content.Chunk.from(e, true);
            return end;
        }
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
