package io.hearth.bench.internal;

import java.util.Arrays;
import java.util.List;

/** A growable array of longs (latencies in nanoseconds) that one thread fills; bounded so a runaway run cannot eat the heap. */
public final class LongSamples {
    private static final int MAX = 8_000_000;
    private long[] values = new long[4096];
    private int size;

    public void add(long value) {
        if (size == values.length) {
            if (size == MAX) {
                return; // enough for any percentile; later samples are dropped
            }
            values = Arrays.copyOf(values, Math.min(MAX, size * 2));
        }
        values[size++] = value;
    }

    public int size() {
        return size;
    }

    /** All samples of all parts, sorted. */
    public static long[] sortedUnion(List<LongSamples> parts) {
        int total = parts.stream().mapToInt(LongSamples::size).sum();
        long[] all = new long[total];
        int at = 0;
        for (LongSamples part : parts) {
            System.arraycopy(part.values, 0, all, at, part.size);
            at += part.size;
        }
        Arrays.sort(all);
        return all;
    }

    /** The q-quantile (0..1) of sorted values, nearest rank; NaN when empty. */
    public static double quantile(long[] sorted, double q) {
        if (q < 0 || q > 1) {
            throw new IllegalArgumentException("q: " + q + " (expected: 0 to 1)");
        }
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
