package io.hearth.router.internal;

import java.util.function.LongConsumer;
import org.eclipse.jetty.io.Content;

/** An agent's answer whose bytes are counted as they are read, for the session's streamed-bytes budget. */
final class MeteredSource implements Content.Source {
    private final Content.Source source;
    private final LongConsumer meter;

    MeteredSource(Content.Source source, LongConsumer meter) {
        this.source = source;
        this.meter = meter;
    }

    @Override
    public Content.Chunk read() {
        Content.Chunk chunk = source.read();
        if (chunk != null && chunk.hasRemaining()) {
            meter.accept(chunk.remaining());
        }
        return chunk;
    }

    @Override
    public void demand(Runnable demandCallback) {
        source.demand(demandCallback);
    }

    @Override
    public void fail(Throwable failure) {
        source.fail(failure);
    }

    @Override
    public void fail(Throwable failure, boolean last) {
        source.fail(failure, last);
    }

    @Override
    public long getLength() {
        return source.getLength();
    }

    @Override
    public boolean rewind() {
        return source.rewind();
    }
}
