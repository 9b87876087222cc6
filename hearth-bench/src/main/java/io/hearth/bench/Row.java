package io.hearth.bench;

import static java.util.Objects.requireNonNull;

import java.util.OptionalDouble;

/**
 * One line of the results table: a figure for Hearth beside the same figure for a baseline measured in the same run.
 *
 * @param section      which measurement it belongs to (warm invoke, cold start, ...)
 * @param measurement  what was measured, for a person
 * @param unit         the unit of both figures
 * @param baselineName what the baseline is: {@code direct}, {@code nginx}, {@code bare process} ...
 * @param baseline     the baseline's figure; empty when the row was skipped
 * @param hearth       Hearth's figure; empty when the row was skipped
 * @param target       what Hearth aims for
 * @param note         why it was skipped, or what to know to read it; may be empty
 */
public record Row(String section, String measurement, Unit unit, String baselineName, OptionalDouble baseline,
        OptionalDouble hearth, Target target, String note) {

    public Row {
        requireNonNull(section, "section");
        requireNonNull(measurement, "measurement");
        requireNonNull(unit, "unit");
        requireNonNull(baselineName, "baselineName");
        requireNonNull(baseline, "baseline");
        requireNonNull(hearth, "hearth");
        requireNonNull(target, "target");
        requireNonNull(note, "note");
        if (baseline.isPresent() != hearth.isPresent()) {
            throw new IllegalArgumentException("row " + measurement + ": baseline " + baseline + " and hearth " + hearth
                    + " (expected: both measured, or neither for a skipped row)");
        }
    }

    public static Row measured(String section, String measurement, Unit unit, String baselineName, double baseline,
            double hearth, Target target, String note) {
        return new Row(section, measurement, unit, baselineName, OptionalDouble.of(baseline), OptionalDouble.of(hearth),
                target, note);
    }

    public static Row skipped(String section, String measurement, Unit unit, String baselineName, Target target,
            String reason) {
        if (reason.isBlank()) {
            throw new IllegalArgumentException("reason: blank (expected: why " + measurement + " was not measured)");
        }
        return new Row(section, measurement, unit, baselineName, OptionalDouble.empty(), OptionalDouble.empty(), target, reason);
    }

    public boolean isSkipped() {
        return hearth.isEmpty();
    }

    /** Hearth / baseline; NaN when skipped or when the baseline is 0. */
    public double ratio() {
        if (isSkipped() || baseline.getAsDouble() == 0) {
            return Double.NaN;
        }
        return hearth.getAsDouble() / baseline.getAsDouble();
    }

    public Verdict verdict() {
        if (isSkipped()) {
            return Verdict.SKIPPED;
        }
        if (target instanceof Target.None) {
            return Verdict.INFO;
        }
        return target.met(baseline.getAsDouble(), hearth.getAsDouble()) ? Verdict.MET : Verdict.MISSED;
    }
}
