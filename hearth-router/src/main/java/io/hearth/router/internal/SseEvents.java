package io.hearth.router.internal;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Numbers the events of a {@code text/event-stream} as its bytes pass: each event gets an {@code id: <stream>.<seq>}
 * line just before the blank line that ends it, and an agent's own {@code id} field becomes {@code agent-id}, which
 * SSE clients ignore, so the id a client remembers is always Hearth's. Bytes come out as they go in, whatever the
 * chunking: nothing waits for an event's end, so an event of any size streams through and memory stays at a few
 * bytes of state. Lines may end in LF, CRLF or CR; a block of comments only is not an event and gets no id.
 */
final class SseEvents {
    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte[] CRLF = {CR, LF};
    private static final byte[] AGENT = "agent-".getBytes(US_ASCII);

    private final byte[] idPrefix;
    private long assigned;
    private long ended;
    private long offset;
    /** Content bytes of the current line so far (0: at its start). */
    private long lineLength;
    /** 1 or 2 while the line so far is "i" or "id": the start of a field whose name is not known yet. */
    private int held;
    private boolean afterCr;
    /** A numbered event's blank line ended in CR: its end is after the LF that may follow. */
    private boolean endAfterLf;
    private boolean blockHasField;
    private byte[] lineEnd = {LF};

    /** Bytes to send on, and where each event completed in them ends, counted from the stream's first byte. */
    record Piece(byte[] bytes, long firstSeq, long[] ends) {}

    SseEvents(String streamId) {
        this.idPrefix = ("id: " + requireNonNull(streamId, "streamId") + ".").getBytes(US_ASCII);
    }

    Piece feed(ByteBuffer in) {
        var out = new Output(in.remaining() + 64);
        while (in.hasRemaining()) {
            step(in.get(), out);
        }
        return out.piece();
    }

    /** At the end of the stream: whatever is still held; an unfinished last event passes as it is. */
    Piece finish() {
        var out = new Output(8);
        flushHeld(out);
        if (endAfterLf) {
            endAfterLf = false;
            out.eventEnded();
        }
        afterCr = false;
        return out.piece();
    }

    private void step(byte b, Output out) {
        if (afterCr) {
            afterCr = false;
            if (b == LF) {
                out.write(LF);
                lineEnd = CRLF;
                if (endAfterLf) {
                    endAfterLf = false;
                    out.eventEnded();
                }
                return;
            }
            lineEnd = new byte[] {CR};
            if (endAfterLf) {
                endAfterLf = false;
                out.eventEnded();
            }
        }
        if (b == CR || b == LF) {
            endLine(b, out);
            return;
        }
        if (lineLength == 0) {
            if (b != ':') {
                blockHasField = true;
            }
            lineLength = 1;
            if (b == 'i') {
                held = 1;
                return;
            }
            out.write(b);
            return;
        }
        lineLength++;
        if (held == 1) {
            held = 0;
            if (b == 'd') {
                held = 2;
                return;
            }
            out.write((byte) 'i');
        } else if (held == 2) {
            held = 0;
            if (b == ':') {
                out.write(AGENT);
            }
            out.write((byte) 'i');
            out.write((byte) 'd');
        }
        out.write(b);
    }

    private void endLine(byte b, Output out) {
        boolean blank = lineLength == 0;
        if (held == 2) {
            out.write(AGENT); // "id" alone on its line: the agent's field, with an empty value
        }
        flushHeld(out);
        lineLength = 0;
        if (blank && blockHasField) {
            blockHasField = false;
            out.write(idPrefix);
            out.write(Long.toString(++assigned).getBytes(US_ASCII));
            out.write(lineEnd);
            out.write(b);
            if (b == CR) {
                afterCr = true;
                endAfterLf = true;
            } else {
                out.eventEnded();
            }
            return;
        }
        out.write(b);
        if (b == CR) {
            afterCr = true;
        } else {
            lineEnd = new byte[] {LF};
        }
    }

    private void flushHeld(Output out) {
        if (held >= 1) {
            out.write((byte) 'i');
        }
        if (held == 2) {
            out.write((byte) 'd');
        }
        held = 0;
    }

    /** One piece's bytes and event ends; advances the stream's offset as it is written. */
    private final class Output {
        private final ByteArrayOutputStream bytes;
        private final long firstSeq = ended + 1;
        private long[] ends = new long[0];
        private int count;

        Output(int size) {
            bytes = new ByteArrayOutputStream(size);
        }

        void write(byte b) {
            bytes.write(b);
            offset++;
        }

        void write(byte[] b) {
            bytes.writeBytes(b);
            offset += b.length;
        }

        void eventEnded() {
            ended++;
            if (count == ends.length) {
                ends = Arrays.copyOf(ends, Math.max(4, count * 2));
            }
            ends[count++] = offset;
        }

        Piece piece() {
            return new Piece(bytes.toByteArray(), firstSeq, Arrays.copyOf(ends, count));
        }
    }
}
