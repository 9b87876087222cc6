package io.hearth.bench.soak;

import io.hearth.bench.internal.Samples;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Whether a series stayed flat: the median of the last third of the samples taken after warm-up, against the
 * median of the first third. Medians, so that one GC pause or one slow sample moves nothing; thirds, so that a
 * slow, steady leak shows as the difference between the two ends. Each series has a slack: an absolute part for
 * figures that move in steps (a thread pool growing by one), a relative part for large ones.
 */
final class Flatness {
    /** A series that must not grow, with its slack. */
    record Growth(String name, String unit, ToDoubleFunction<SoakSample> value, double absoluteSlack, double relativeSlack) {}

    static final List<Growth> GROWTH = List.of(
            new Growth("open fds", "", s -> s.fds(), 16, 0.10),
            new Growth("threads", "", s -> s.threads(), 8, 0.10),
            new Growth("RSS", " MiB", SoakSample::rssMib, 64, 0.20),
            new Growth("heap after full GC", " MiB", SoakSample::heapMib, 16, 0.20));
    /**
     * The last third's throughput may fall at most this far below the first third's: on a shared machine other work
     * moves it a lot; a slowdown that builds up in Hearth moves it further.
     */
    static final double THROUGHPUT_FLOOR = 0.50;

    private Flatness() {}

    /** The samples the comparison uses: those taken after warm-up. */
    static List<SoakSample> afterWarmup(List<SoakSample> samples, double warmupSeconds) {
        return samples.stream().filter(s -> s.seconds() >= warmupSeconds).toList();
    }

    static SoakCheck growth(Growth series, List<SoakSample> compared) {
        var values = new ArrayList<Double>();
        for (SoakSample sample : compared) {
            double v = series.value().applyAsDouble(sample);
            if (!Double.isNaN(v) && v >= 0) {
                values.add(v);
            }
        }
        String rule = String.format(Locale.ROOT, "last ≤ first + max(%s%s, %d%%)", number(series.absoluteSlack()),
                series.unit(), Math.round(series.relativeSlack() * 100));
        if (values.size() < SoakConfig.MIN_COMPARED_SAMPLES) {
            return new SoakCheck(series.name(), "only " + values.size() + " readable samples after warm-up", rule, false);
        }
        double first = firstThird(values);
        double last = lastThird(values);
        double limit = first + Math.max(series.absoluteSlack(), series.relativeSlack() * first);
        return new SoakCheck(series.name(), number(first) + series.unit() + " → " + number(last) + series.unit(),
                rule + " = " + number(limit) + series.unit(), last <= limit);
    }

    static SoakCheck throughput(List<SoakSample> compared) {
        var values = compared.stream().map(SoakSample::invokesPerSecond).toList();
        String rule = String.format(Locale.ROOT, "last ≥ %d%% of first", Math.round(THROUGHPUT_FLOOR * 100));
        if (values.size() < SoakConfig.MIN_COMPARED_SAMPLES) {
            return new SoakCheck("invokes/s", "only " + values.size() + " samples after warm-up", rule, false);
        }
        double first = firstThird(values);
        double last = lastThird(values);
        return new SoakCheck("invokes/s", number(first) + " → " + number(last),
                rule + " = " + number(first * THROUGHPUT_FLOOR), last >= first * THROUGHPUT_FLOOR);
    }

    /** Live sandboxes must stay within the working set: the set never grows, so neither may they. */
    static SoakCheck liveSandboxes(List<SoakSample> compared, int workingSet) {
        var values = compared.stream().map(s -> (double) s.liveSandboxes()).toList();
        String rule = "last ≤ working set + 1 = " + (workingSet + 1);
        if (values.isEmpty()) {
            return new SoakCheck("live sandboxes", "no samples after warm-up", rule, false);
        }
        double first = firstThird(values);
        double last = lastThird(values);
        return new SoakCheck("live sandboxes", number(first) + " → " + number(last), rule, last <= workingSet + 1);
    }

    private static double firstThird(List<Double> values) {
        return Samples.quantile(values.subList(0, Math.max(1, values.size() / 3)), 0.5);
    }

    private static double lastThird(List<Double> values) {
        return Samples.quantile(values.subList(values.size() - Math.max(1, values.size() / 3), values.size()), 0.5);
    }

    static String number(double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        return value == Math.rint(value) && Math.abs(value) < 1e9
                ? String.format(Locale.ROOT, "%,d", (long) value)
                : String.format(Locale.ROOT, "%,.1f", value);
    }
}
