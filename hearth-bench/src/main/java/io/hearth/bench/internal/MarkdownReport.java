package io.hearth.bench.internal;

import io.hearth.bench.BenchReport;
import io.hearth.bench.Row;
import io.hearth.bench.Verdict;
import java.util.Locale;
import java.util.Map;

/** The results as Markdown: a table a person reads in a terminal, a README or a diff. */
public final class MarkdownReport {
    private MarkdownReport() {}

    public static String table(BenchReport report) {
        var out = new StringBuilder();
        out.append("| measurement | baseline | Hearth | ratio | target | met? | notes |\n");
        out.append("|---|---|---|---|---|---|---|\n");
        for (Row row : report.rows()) {
            out.append("| ").append(row.section()).append(": ").append(row.measurement())
                    .append(" | ").append(row.baseline().isPresent()
                            ? row.baselineName() + " " + row.unit().format(row.baseline().getAsDouble()) : row.baselineName() + " —")
                    .append(" | ").append(row.hearth().isPresent() ? row.unit().format(row.hearth().getAsDouble()) : "—")
                    .append(" | ").append(Double.isNaN(row.ratio()) ? "—" : String.format(Locale.ROOT, "%.2f×", row.ratio()))
                    .append(" | ").append(row.target().describe(row.unit()))
                    .append(" | ").append(row.verdict() == Verdict.MISSED ? "**NO**" : row.verdict().label())
                    .append(" | ").append(row.note().replace("|", "/").replace("\n", " "))
                    .append(" |\n");
        }
        return out.toString();
    }

    private static double number(BenchReport report, String key) {
        return report.machine().get(key) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** How long the bench waited for a quiet machine before its sections, and where it never got one. */
    private static String settling(BenchReport report) {
        if (!(report.machine().get("settledBeforeSections") instanceof Map<?, ?> sections) || sections.isEmpty()) {
            return "";
        }
        String longest = "";
        double longestSeconds = -1;
        var busy = new java.util.ArrayList<String>();
        for (var entry : sections.entrySet()) {
            if (entry.getValue() instanceof Map<?, ?> settled && settled.get("seconds") instanceof Number seconds) {
                if (seconds.doubleValue() > longestSeconds) {
                    longestSeconds = seconds.doubleValue();
                    longest = String.valueOf(entry.getKey());
                }
                if (Boolean.FALSE.equals(settled.get("quiet"))) {
                    busy.add(entry.getKey() + String.format(Locale.ROOT, " (%.2f cores busy)", settled.get("busyCores")
                            instanceof Number n ? n.doubleValue() : Double.NaN));
                }
            }
        }
        return String.format(Locale.ROOT, "Before each section the bench waited for a quiet machine (less than a tenth of"
                + " each core busy over half a second, at most 45 s): longest %.1f s, before %s%s.%n%n", longestSeconds,
                longest, busy.isEmpty() ? "" : "; still busy before " + String.join(", ", busy));
    }

    public static String document(BenchReport report) {
        long met = report.rows().stream().filter(r -> r.verdict() == Verdict.MET).count();
        long missed = report.rows().stream().filter(r -> r.verdict() == Verdict.MISSED).count();
        long skipped = report.rows().stream().filter(r -> r.verdict() == Verdict.SKIPPED).count();
        var out = new StringBuilder();
        out.append("# Hearth bench, ").append(report.date()).append(report.mode().equals("smoke") ? " (smoke run)" : "").append("\n\n");
        out.append("Machine: ").append(report.machineLine()).append(", kernel ").append(report.machine().get("kernel"))
                .append(".  \n");
        out.append(String.format(Locale.ROOT, "Run: `./hearth bench%s`, %.0f s. Targets met: %d, missed: %d, skipped: %d.%n%n",
                report.mode().equals("smoke") ? " --smoke" : "", report.seconds(), met, missed, skipped));
        out.append(String.format(Locale.ROOT, "Load average (1 min): %.1f at start, %.1f at end, %.1f at most; other"
                        + " processes used %.2f cores on average during the run.%n%n",
                report.loadAtStart(), number(report, "loadAverageAtEnd"), number(report, "loadAverageMax"),
                number(report, "otherProcessesCores")));
        out.append(settling(report));
        if (report.loadedMachine()) {
            out.append("**Loaded machine**: ").append(report.machine().get("loadedBecause"))
                    .append(". Other work shared the machine, so these figures are noisier than a quiet run's.\n\n");
        }
        out.append("Every ratio is Hearth / a baseline measured in the same run on the same machine. ")
                .append("Targets are goals: a missed one is reported here, not hidden.\n\n");
        out.append(table(report));
        if (!report.errors().isEmpty()) {
            out.append("\nErrors:\n\n");
            report.errors().forEach(e -> out.append("- ").append(e).append('\n'));
        }
        out.append("\nHow each figure is taken: see the Benchmark section of the README. Raw figures: the .json beside this file.\n");
        return out.toString();
    }
}
