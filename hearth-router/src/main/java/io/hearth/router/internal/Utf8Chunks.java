package io.hearth.router.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns a program's output, read in arbitrary pieces, into text without ever splitting a UTF-8 character: the
 * bytes of a character cut off at the end of a read wait for the next one. Bytes that are not UTF-8 become U+FFFD.
 */
public final class Utf8Chunks {
    private byte[] pending = new byte[0];

    /** The text of {@code bytes[0..length)} after what was held back, less an incomplete character at its end. */
    public String next(byte[] bytes, int length) {
        byte[] all = pending.length == 0 ? Arrays.copyOf(bytes, length) : concat(pending, bytes, length);
        int complete = completeLength(all);
        pending = Arrays.copyOfRange(all, complete, all.length);
        return new String(all, 0, complete, StandardCharsets.UTF_8);
    }

    /** Whatever was held back, at the end of the output. */
    public String finish() {
        String rest = new String(pending, StandardCharsets.UTF_8);
        pending = new byte[0];
        return rest;
    }

    /** How many leading bytes end on a character boundary: at most the last three bytes are held back. */
    static int completeLength(byte[] bytes) {
        int end = bytes.length;
        for (int back = 1; back <= Math.min(3, end); back++) {
            int b = bytes[end - back] & 0xFF;
            if ((b & 0xC0) == 0x80) {
                continue; // a continuation byte: its lead is further back
            }
            int needed = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            return needed > back ? end - back : end;
        }
        return end;
    }

    private static byte[] concat(byte[] first, byte[] second, int secondLength) {
        byte[] all = Arrays.copyOf(first, first.length + secondLength);
        System.arraycopy(second, 0, all, first.length, secondLength);
        return all;
    }
}
