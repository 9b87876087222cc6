package io.hearth.bench;

import static java.util.Objects.requireNonNull;

import java.time.LocalDate;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one bench run found.
 *
 * @param date    the day it ran, which names the result files
 * @param mode    {@code full} or {@code smoke}
 * @param machine cores, memory, CPU, OS, kernel, Java, open-file limit; load average at start, end and highest, the
 *                CPU other processes used, and whether that makes it a loaded machine (see {@code MachineLoad})
 * @param seconds how long the run took
 * @param rows    the table, in section order
 * @param details the raw figures behind the rows, per section
 * @param errors  measurements that failed outright (not skips with a known reason); empty on a clean run
 */
public record BenchReport(LocalDate date, String mode, Map<String, Object> machine, double seconds, List<Row> rows,
        Map<String, Object> details, List<String> errors) {
    public BenchReport {
        requireNonNull(date, "date");
        requireNonNull(mode, "mode");
        // Insertion order kept: the JSON file lists machine facts and sections in the order they were taken.
        machine = Collections.unmodifiableMap(new LinkedHashMap<>(machine));
        rows = List.copyOf(rows);
        details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
        errors = List.copyOf(errors);
        if (!mode.equals("full") && !mode.equals("smoke")) {
            throw new IllegalArgumentException("mode: " + mode + " (expected: full or smoke)");
        }
    }

    /** The 1-minute load average when the run started: above the core count, other work shared the machine. */
    public double loadAtStart() {
        return machine.get("loadAverageAtStart") instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** Whether other work loaded the machine (at start, or during the run); its figures are then noisier. */
    public boolean loadedMachine() {
        return Boolean.TRUE.equals(machine.get("loadedMachine"));
    }

    /** The machine as the report's headline says it: {@code 2 cores, 24 GiB, <cpu>}. */
    public String machineLine() {
        return machine.get("cores") + " cores, " + machine.get("memoryGiB") + " GiB, " + machine.get("cpu") + ", "
                + machine.get("os") + ", " + machine.get("java")
                + (loadedMachine() ? ", LOADED MACHINE" : "");
    }
}
