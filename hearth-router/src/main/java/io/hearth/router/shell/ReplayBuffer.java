package io.hearth.router.shell;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A shell's output while no client is attached: the newest {@code capacity} bytes, and a count of the older bytes
 * that had to go. Not thread-safe; its shell guards it.
 */
final class ReplayBuffer {
    private final int capacity;
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private int size;
    private long dropped;

    ReplayBuffer(int capacity) {
        this.capacity = capacity;
    }

    void add(byte[] bytes, int offset, int length) {
        if (length >= capacity) {
            dropped += size + (length - capacity);
            chunks.clear();
            size = 0;
            offset += length - capacity;
            length = capacity;
        }
        if (length == 0) {
            return;
        }
        byte[] chunk = new byte[length];
        System.arraycopy(bytes, offset, chunk, 0, length);
        chunks.addLast(chunk);
        size += length;
        while (size > capacity) {
            byte[] oldest = chunks.removeFirst();
            int excess = size - capacity;
            if (oldest.length > excess) {
                byte[] rest = new byte[oldest.length - excess];
                System.arraycopy(oldest, excess, rest, 0, rest.length);
                chunks.addFirst(rest);
                dropped += excess;
                size -= excess;
            } else {
                dropped += oldest.length;
                size -= oldest.length;
            }
        }
    }

    /** Bytes lost since the last {@link #drain()}. */
    long dropped() {
        return dropped;
    }

    /** Everything kept, oldest first; empties the buffer and resets the dropped count. */
    List<byte[]> drain() {
        var all = new ArrayList<>(chunks);
        chunks.clear();
        size = 0;
        dropped = 0;
        return all;
    }
}
