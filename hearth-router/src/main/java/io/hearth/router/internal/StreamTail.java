package io.hearth.router.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.OptionalLong;

/**
 * The last bytes of one numbered event stream, as the caller was (or will be) sent them, with where each event
 * ends: what a caller that reattaches after event n is replayed from. Offsets count from the stream's first byte.
 * It holds about {@code maxBytes}: bytes are evicted oldest first, whole pieces at a time, and only once the
 * attached caller has been sent them ({@link #evict}); while no caller is attached nothing is evicted and the
 * stream stops being read when {@link #full()}.
 */
final class StreamTail {
    private final long maxBytes;
    private final Fifo<Segment> segments = new Fifo<>();
    /** The end offsets of events firstIndexed, firstIndexed + 1, ...: only those a replay can start from. */
    private final Fifo<Long> eventEnds = new Fifo<>();
    private long firstIndexed = 1;
    private long lastSeq;
    private long lastEnd;
    private long start;
    private long end;
    private long lastOversized;

    private record Segment(long offset, byte[] bytes) {
        long end() {
            return offset + bytes.length;
        }
    }

    StreamTail(long maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: positive)");
        }
        this.maxBytes = maxBytes;
    }

    void append(SseEvents.Piece piece) {
        if (piece.bytes().length > 0) {
            segments.add(new Segment(end, piece.bytes()));
            end += piece.bytes().length;
        }
        for (int i = 0; i < piece.ends().length; i++) {
            long seq = piece.firstSeq() + i;
            long eventEnd = piece.ends()[i];
            if (seq != lastSeq + 1) {
                throw new IllegalStateException("event " + seq + " (expected: " + (lastSeq + 1) + ")");
            }
            if (eventEnd - lastEnd > maxBytes) {
                lastOversized = seq;
            }
            lastSeq = seq;
            lastEnd = eventEnd;
            eventEnds.add(eventEnd);
        }
    }

    /** Drops the oldest pieces while more than the bound is held, never one not wholly sent yet. */
    void evict(long delivered) {
        while (size() > maxBytes && !segments.isEmpty() && segments.first().end() <= delivered) {
            start = segments.removeFirst().end();
        }
        while (!eventEnds.isEmpty() && eventEnds.first() < start) {
            eventEnds.removeFirst();
            firstIndexed++;
        }
    }

    /** Where a replay after event {@code seq} starts (0: before the first), if all from there is held. */
    OptionalLong resumeOffset(long seq) {
        if (seq == 0) {
            return start == 0 ? OptionalLong.of(0) : OptionalLong.empty();
        }
        if (seq < firstIndexed || seq > lastSeq) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(eventEnds.get((int) (seq - firstIndexed)));
    }

    /** The earliest event a replay may start after (0: the stream's start). */
    long firstResumableSeq() {
        if (start == 0) {
            return 0;
        }
        return eventEnds.isEmpty() ? lastSeq + (lastEnd < start ? 1 : 0) : firstIndexed;
    }

    long lastSeq() {
        return lastSeq;
    }

    /** Whether event {@code seq} was larger than the bound on its own (the latest such event only). */
    boolean oversized(long seq) {
        return seq == lastOversized && seq > 0;
    }

    /** Up to {@code limit} held bytes from {@code from}, copied out of as many pieces as they span. */
    ByteBuffer read(long from, int limit) {
        if (from < start || from >= end) {
            throw new IllegalArgumentException("from: " + from + " (expected: " + start + " to " + (end - 1) + ")");
        }
        int index = find(from);
        Segment first = segments.get(index);
        int at = (int) (from - first.offset());
        int length = (int) Math.min(limit, end - from);
        if (first.bytes().length - at >= length) {
            return ByteBuffer.wrap(first.bytes(), at, length).slice();
        }
        var copy = ByteBuffer.allocate(length);
        for (int i = index; copy.hasRemaining(); i++, at = 0) {
            Segment segment = segments.get(i);
            copy.put(segment.bytes(), at, Math.min(copy.remaining(), segment.bytes().length - at));
        }
        return copy.flip();
    }

    long start() {
        return start;
    }

    long end() {
        return end;
    }

    long size() {
        return end - start;
    }

    long maxBytes() {
        return maxBytes;
    }

    boolean full() {
        return size() >= maxBytes;
    }

    /** The index of the piece holding offset {@code at}: a binary search, as a replay may start anywhere. */
    private int find(long at) {
        int low = 0;
        int high = segments.size() - 1;
        while (low < high) {
            int middle = (low + high + 1) >>> 1;
            if (segments.get(middle).offset() <= at) {
                low = middle;
            } else {
                high = middle - 1;
            }
        }
        return low;
    }

    /** A queue with indexed access; its head is trimmed lazily, so removing the first is amortised O(1). */
    private static final class Fifo<T> {
        private final ArrayList<T> items = new ArrayList<>();
        private int head;

        void add(T item) {
            items.add(item);
        }

        T first() {
            return items.get(head);
        }

        T get(int index) {
            return items.get(head + index);
        }

        T removeFirst() {
            T item = items.set(head++, null);
            if (head >= 1024 && head * 2 >= items.size()) {
                items.subList(0, head).clear();
                head = 0;
            }
            return item;
        }

        int size() {
            return items.size() - head;
        }

        boolean isEmpty() {
            return size() == 0;
        }
    }
}
