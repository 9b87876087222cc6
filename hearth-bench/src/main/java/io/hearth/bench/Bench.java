package io.hearth.bench;

import io.hearth.bench.internal.BenchContext;
import io.hearth.bench.internal.ChartRenderer;
import io.hearth.bench.internal.ColdStartMeasurement;
import io.hearth.bench.internal.CommandMeasurement;
import io.hearth.bench.internal.DensityMeasurement;
import io.hearth.bench.internal.HostFacts;
import io.hearth.bench.internal.HibernationMeasurement;
import io.hearth.bench.internal.ImageMeasurement;
import io.hearth.bench.internal.JsonReport;
import io.hearth.bench.internal.MachineLoad;
import io.hearth.bench.internal.MarkdownReport;
import io.hearth.bench.internal.Measurement;
import io.hearth.bench.internal.PayloadMeasurement;
import io.hearth.bench.internal.PoolMeasurement;
import io.hearth.bench.internal.Progress;
import io.hearth.bench.internal.SectionResult;
import io.hearth.bench.internal.SseMeasurement;
import io.hearth.bench.internal.WarmInvokeMeasurement;
import io.hearth.bench.internal.WebSocketMeasurement;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the measurements a configuration asks for, in {@link Section} order, and writes the report. A measurement
 * that throws does not stop the others: its section gets one row saying what failed, and the error is listed.
 */
public final class Bench {
    /** The longest wait for a quiet machine before a section (see {@link MachineLoad#settle}). */
    private static final Duration SETTLE_MAX = Duration.ofSeconds(45);
    private static final List<Measurement> MEASUREMENTS = List.of(
            new WarmInvokeMeasurement(),
            new PayloadMeasurement(),
            new SseMeasurement(),
            new ColdStartMeasurement(),
            new DensityMeasurement(),
            new PoolMeasurement(),
            new CommandMeasurement(),
            new WebSocketMeasurement(),
            new ImageMeasurement(),
            new HibernationMeasurement());

    private Bench() {}

    /** Runs the bench; progress lines go to {@code progressOut}. Writes nothing: see {@link #write}. */
    public static BenchReport run(BenchConfig config, PrintStream progressOut) {
        var progress = new Progress(progressOut);
        var load = MachineLoad.start();
        Map<String, Object> machine = new LinkedHashMap<>(HostFacts.machine());
        progress.say("%s run on %s, load average %.2f", config.mode(), machine, load.loadAtStart());
        var rows = new ArrayList<Row>();
        var details = new LinkedHashMap<String, Object>();
        var settling = new LinkedHashMap<String, Object>();
        var errors = new ArrayList<String>();
        try (var context = new BenchContext(config, progress)) {
            for (Measurement measurement : MEASUREMENTS) {
                Section section = measurement.section();
                if (!config.sections().contains(section)) {
                    continue;
                }
                progress.say("== %s", section.title());
                MachineLoad.Settled settled = load.settle(SETTLE_MAX);
                progress.say("machine %s after %.1f s (%.2f cores busy)", settled.quiet() ? "quiet" : "still busy",
                        settled.seconds(), settled.busyCores());
                settling.put(section.key(), Map.of("seconds", settled.seconds(), "quiet", settled.quiet(),
                        "busyCores", settled.busyCores()));
                try {
                    SectionResult result = measurement.run(context);
                    rows.addAll(result.rows());
                    details.put(section.key(), result.details());
                } catch (Exception | AssertionError e) {
                    String message = section.title() + " failed: " + e;
                    progress.say("%s", message);
                    errors.add(message);
                    rows.add(Row.skipped(section.title(), "(measurement failed)", Unit.MILLISECONDS, "—",
                            new Target.None(), "error: " + e.getMessage()));
                }
                load.sample();
            }
        }
        machine.putAll(load.finish()); // after the context closed: every process the bench started has ended
        machine.put("settledBeforeSections", settling);
        if (Boolean.TRUE.equals(machine.get("loadedMachine"))) {
            progress.say("loaded machine: %s", machine.get("loadedBecause"));
        }
        return new BenchReport(LocalDate.now(), config.mode(), machine, progress.elapsedSeconds(), rows, details, errors);
    }

    /** Writes {@code <date>.md}, {@code .json} and {@code .png} into {@code dir}; returns their paths. */
    public static List<Path> write(BenchReport report, Path dir) {
        String stem = report.date().toString();
        Path md = dir.resolve(stem + ".md");
        Path json = dir.resolve(stem + ".json");
        Path png = dir.resolve(stem + ".png");
        try {
            Files.createDirectories(dir);
            Files.writeString(md, MarkdownReport.document(report), StandardCharsets.UTF_8);
            Files.writeString(json, JsonReport.of(report), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the results into " + dir + ": " + e.getMessage(), e);
        }
        ChartRenderer.write(report, png);
        return List.of(md, json, png);
    }

    /** The table alone, as printed at the end of a run. */
    public static String table(BenchReport report) {
        return MarkdownReport.table(report);
    }

    static Map<String, Object> summary(BenchReport report) {
        var counts = new LinkedHashMap<String, Object>();
        for (Verdict verdict : Verdict.values()) {
            counts.put(verdict.name().toLowerCase(), report.rows().stream().filter(r -> r.verdict() == verdict).count());
        }
        return counts;
    }
}
