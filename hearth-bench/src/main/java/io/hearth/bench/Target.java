package io.hearth.bench;

import java.util.Locale;

/**
 * What a row aims for. Targets are goals, not assertions: a missed one is reported, never thrown. Each says whether
 * a pair of figures meets it, how to print it, and which ratio (Hearth / baseline) is its edge, for the chart.
 */
public sealed interface Target {

    boolean met(double baseline, double hearth);

    String describe(Unit unit);

    /** The ratio at which this target is just met; NaN when it is not about a ratio. */
    double edgeRatio(double baseline);

    /** Hearth at least {@code ratio} times the baseline: throughput, streams, sessions. */
    record AtLeastRatio(double ratio, String of) implements Target {
        public AtLeastRatio {
            if (!(ratio > 0)) {
                throw new IllegalArgumentException("ratio: " + ratio + " (expected: positive)");
            }
        }

        @Override
        public boolean met(double baseline, double hearth) {
            return hearth >= ratio * baseline;
        }

        @Override
        public String describe(Unit unit) {
            return String.format(Locale.ROOT, "≥ %.2f× %s", ratio, of);
        }

        @Override
        public double edgeRatio(double baseline) {
            return ratio;
        }
    }

    /** Hearth at most the baseline plus {@code delta} (in the row's unit): latency, start-up, memory. */
    record AtMostPlus(double delta, String of) implements Target {
        public AtMostPlus {
            if (!(delta >= 0)) {
                throw new IllegalArgumentException("delta: " + delta + " (expected: 0 or more)");
            }
        }

        @Override
        public boolean met(double baseline, double hearth) {
            return hearth <= baseline + delta;
        }

        @Override
        public String describe(Unit unit) {
            return "≤ " + of + " + " + unit.format(delta);
        }

        @Override
        public double edgeRatio(double baseline) {
            return baseline > 0 ? (baseline + delta) / baseline : Double.NaN;
        }
    }

    /** Hearth at least {@code value} (in the row's unit), whatever the baseline: capacity goals. */
    record AtLeast(double value) implements Target {
        public AtLeast {
            if (!(value > 0)) {
                throw new IllegalArgumentException("value: " + value + " (expected: positive)");
            }
        }

        @Override
        public boolean met(double baseline, double hearth) {
            return hearth >= value;
        }

        @Override
        public String describe(Unit unit) {
            return "≥ " + unit.format(value);
        }

        @Override
        public double edgeRatio(double baseline) {
            return baseline > 0 ? value / baseline : Double.NaN;
        }
    }

    /** Hearth at most {@code value} (in the row's unit), whatever the baseline: a cost ceiling. */
    record AtMost(double value) implements Target {
        public AtMost {
            if (!(value > 0)) {
                throw new IllegalArgumentException("value: " + value + " (expected: positive)");
            }
        }

        @Override
        public boolean met(double baseline, double hearth) {
            return hearth <= value;
        }

        @Override
        public String describe(Unit unit) {
            return "≤ " + unit.format(value);
        }

        @Override
        public double edgeRatio(double baseline) {
            return baseline > 0 ? value / baseline : Double.NaN;
        }
    }

    /**
     * As many as {@code limit} allows, which this host puts at {@code value}: a goal set by the machine, not by a
     * fixed number, such as open streams under the descriptor limit.
     */
    record AsManyAs(double value, String limit) implements Target {
        public AsManyAs {
            if (!(value > 0)) {
                throw new IllegalArgumentException("value: " + value + " (expected: positive)");
            }
            if (limit == null || limit.isBlank()) {
                throw new IllegalArgumentException("limit: " + limit + " (expected: what bounds the count)");
            }
        }

        @Override
        public boolean met(double baseline, double hearth) {
            return hearth >= value;
        }

        @Override
        public String describe(Unit unit) {
            return "as many as " + limit + " allows (" + unit.format(value) + ")";
        }

        @Override
        public double edgeRatio(double baseline) {
            return baseline > 0 ? value / baseline : Double.NaN;
        }
    }

    /** Shown for context (the physical limit, a tail latency); no goal. */
    record None() implements Target {
        @Override
        public boolean met(double baseline, double hearth) {
            return true;
        }

        @Override
        public String describe(Unit unit) {
            return "—";
        }

        @Override
        public double edgeRatio(double baseline) {
            return Double.NaN;
        }
    }
}
