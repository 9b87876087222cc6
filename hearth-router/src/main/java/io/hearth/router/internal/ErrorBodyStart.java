package io.hearth.router.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.eclipse.jetty.io.Content;

/**
 * The first bytes of an agent's error body, for the caller's error message: read as they arrive (no thread waits
 * on them), at most {@code limit} bytes kept, the rest refused. The text says when it was cut, so a caller never
 * mistakes the start of a long answer for all of it.
 */
final class ErrorBodyStart implements Runnable {
    private final Content.Source body;
    private final int limit;
    private final long declaredLength;
    private final Consumer<String> done;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

    private ErrorBodyStart(Content.Source body, int limit, long declaredLength, Consumer<String> done) {
        this.body = body;
        this.limit = limit;
        this.declaredLength = declaredLength;
        this.done = done;
    }

    /**
     * @param declaredLength the body's Content-Length, or -1 when the agent did not say
     * @param done           gets the text once it is known; called exactly once
     */
    static void read(Content.Source body, int limit, long declaredLength, Consumer<String> done) {
        new ErrorBodyStart(body, limit, declaredLength, done).run();
    }

    @Override
    public void run() {
        while (true) {
            Content.Chunk chunk = body.read();
            if (chunk == null) {
                body.demand(this);
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                done.accept(text() + " (the rest of the agent's answer could not be read: " + chunk.getFailure().getMessage() + ")");
                return;
            }
            ByteBuffer buffer = chunk.getByteBuffer();
            int room = limit - kept.size();
            boolean overflow = chunk.remaining() > room;
            int take = Math.min(chunk.remaining(), room);
            for (int i = 0; i < take; i++) {
                kept.write(buffer.get());
            }
            boolean last = chunk.isLast();
            chunk.release();
            if (overflow) {
                body.fail(new IOException("agent error body: only its first " + limit + " bytes are read"));
                String of = declaredLength > 0 ? " of " + declaredLength : "";
                done.accept(text() + " ... (cut: the first " + limit + of + " bytes of the agent's answer)");
                return;
            }
            if (last) {
                done.accept(text());
                return;
            }
        }
    }

    private String text() {
        return kept.toString(StandardCharsets.UTF_8).strip();
    }
}
