package io.hearth.bench.internal;

import java.util.Arrays;
import java.util.List;

/** Order statistics of a small set of measurements (milliseconds, say). */
public final class Samples {
    private Samples() {}

    /** The q-quantile by nearest rank; NaN for no samples. */
    public static double quantile(List<Double> values, double q) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
