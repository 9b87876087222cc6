package io.hearth.bench.soak;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * What a soak run found.
 *
 * @param date        the day it ran, {@code yyyy-mm-dd}
 * @param config      how it ran
 * @param isolation   the driver Hearth ran agents with
 * @param machine     cores, memory, CPU, OS and JVM, one line
 * @param seconds     how long load ran
 * @param samples     Hearth's process over time
 * @param checks      everything the verdict requires, each with what was seen
 * @param invokes     successful invocations
 * @param errors      unexpected failures (invocations, StopRuntimeSession calls, crashes that did not go as meant)
 * @param replaced    sessions replaced by new ones (the old one stopped)
 * @param crashes     agents made to exit
 * @param errorKinds  unexpected failures by kind
 */
public record SoakReport(String date, SoakConfig config, String isolation, String machine, double seconds,
        List<SoakSample> samples, List<SoakCheck> checks, long invokes, long errors, long replaced, long crashes,
        Map<String, Long> errorKinds) {
    public SoakReport {
        requireNonNull(date, "date");
        requireNonNull(config, "config");
        requireNonNull(isolation, "isolation");
        requireNonNull(machine, "machine");
        samples = List.copyOf(requireNonNull(samples, "samples"));
        checks = List.copyOf(requireNonNull(checks, "checks"));
        errorKinds = Map.copyOf(requireNonNull(errorKinds, "errorKinds"));
    }

    /** Every series flat and nothing leaked. */
    public boolean passed() {
        return !checks.isEmpty() && checks.stream().allMatch(SoakCheck::passed);
    }

    public List<SoakCheck> failures() {
        return checks.stream().filter(c -> !c.passed()).toList();
    }
}
