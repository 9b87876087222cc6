package io.hearth.bench.soak;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The soak's results as text: the progress line per sample, the table on stdout, and the Markdown report. */
final class SoakTables {
    private static final String[] COLUMNS = {"time s", "fds", "threads", "RSS MiB", "heap MiB", "live", "agents", "invokes/s", "errors"};

    private SoakTables() {}

    static String progressLine(SoakSample s) {
        return String.format(Locale.ROOT, "fds %d, threads %d, RSS %.0f MiB, heap after GC %s MiB, live sandboxes %d,"
                + " agent processes %d, %.1f invokes/s, %d errors",
                s.fds(), s.threads(), s.rssMib(), Flatness.number(s.heapMib()), s.liveSandboxes(), s.agentProcesses(),
                s.invokesPerSecond(), s.errors());
    }

    private static String[] cells(SoakSample s) {
        return new String[] {
            String.format(Locale.ROOT, "%.0f", s.seconds()), Long.toString(s.fds()), Long.toString(s.threads()),
            String.format(Locale.ROOT, "%.0f", s.rssMib()), Double.isNaN(s.heapMib()) ? "n/a" : String.format(Locale.ROOT, "%.0f", s.heapMib()),
            Integer.toString(s.liveSandboxes()), Long.toString(s.agentProcesses()),
            String.format(Locale.ROOT, "%.1f", s.invokesPerSecond()), Long.toString(s.errors())};
    }

    /** The samples as aligned columns, then the verdict's checks, for stdout. */
    static String text(SoakReport report) {
        var out = new StringBuilder();
        var widths = new int[COLUMNS.length];
        for (int i = 0; i < COLUMNS.length; i++) {
            widths[i] = COLUMNS[i].length();
        }
        for (SoakSample s : report.samples()) {
            String[] row = cells(s);
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        appendAligned(out, COLUMNS, widths);
        double warmup = report.config().warmup().toMillis() / 1e3;
        boolean marked = false;
        for (SoakSample s : report.samples()) {
            if (!marked && s.seconds() >= warmup) {
                out.append("  -- warm-up ends (").append(Flatness.number(warmup)).append(" s); the verdict compares what follows --\n");
                marked = true;
            }
            appendAligned(out, cells(s), widths);
        }
        out.append('\n');
        int what = "check".length();
        int seen = "observed".length();
        for (SoakCheck c : report.checks()) {
            what = Math.max(what, c.what().length());
            seen = Math.max(seen, c.observed().length());
        }
        out.append(String.format(Locale.ROOT, "%-" + what + "s  %-" + seen + "s  %-4s  %s%n", "check", "observed", "ok?", "allowed"));
        for (SoakCheck c : report.checks()) {
            out.append(String.format(Locale.ROOT, "%-" + what + "s  %-" + seen + "s  %-4s  %s%n", c.what(), c.observed(),
                    c.passed() ? "yes" : "NO", c.allowed()));
        }
        out.append('\n').append(verdictLine(report)).append('\n');
        return out.toString();
    }

    static String verdictLine(SoakReport report) {
        if (report.passed()) {
            return "verdict: PASSED, every series flat after warm-up and nothing leaked";
        }
        return "verdict: FAILED: " + String.join(", ", report.failures().stream().map(SoakCheck::what).toList());
    }

    private static void appendAligned(StringBuilder out, String[] cells, int[] widths) {
        for (int i = 0; i < cells.length; i++) {
            out.append(i == 0 ? "" : "  ").append(" ".repeat(widths[i] - cells[i].length())).append(cells[i]);
        }
        out.append('\n');
    }

    static String markdown(SoakReport report, String chartFile) {
        SoakConfig c = report.config();
        var md = new StringBuilder();
        md.append("# Hearth soak, ").append(report.date()).append("\n\n");
        md.append(verdictLine(report).replace("verdict: ", "**Verdict: ").replaceFirst("(PASSED|FAILED)", "$1**")).append("\n\n");
        md.append(String.format(Locale.ROOT, "%.0f s of load, isolation `%s`; %s.%n%n", report.seconds(), report.isolation(), report.machine()));
        md.append(String.format(Locale.ROOT, "Load: %d invocations/s on %d loopback connections over a working set of %d sessions;"
                + " every %d ms one session of the set is replaced by a new one and the old one stopped with StopRuntimeSession;"
                + " every %d ms an agent is made to exit (alternately before and after answering) and its slot moves to a new session."
                + " Hearth runs in its own JVM (`-Xmx512m`, G1); every %d ms the soak forces a full GC in it (`jcmd GC.run`)"
                + " and reads the heap left from its GC log, and reads descriptors, threads and RSS from `/proc`.%n%n",
                c.rate(), c.workers(), c.workingSet(), c.churnEvery().toMillis(), c.crashEvery().toMillis(), c.sampleEvery().toMillis()));
        md.append(String.format(Locale.ROOT, "Totals: %,d invocations ok, %,d unexpected failures, %,d sessions replaced, %,d agent crashes.%n%n",
                report.invokes(), report.errors(), report.replaced(), report.crashes()));
        md.append("**Flat** means: leaving out the first ").append(c.warmup().toSeconds())
                .append(" s (warm-up), the median of the last third of the samples stays within the stated slack of the"
                        + " median of the first third; live sandboxes stay within the working set; after the set is"
                        + " stopped, nothing is live; on SIGTERM Hearth exits and leaves no process and no directory.\n\n");
        md.append("## Verdict\n\n| check | observed | allowed | ok? |\n|---|---|---|---|\n");
        for (SoakCheck check : report.checks()) {
            md.append("| ").append(check.what()).append(" | ").append(check.observed().replace("|", "\\|")).append(" | ")
                    .append(check.allowed()).append(" | ").append(check.passed() ? "yes" : "**NO**").append(" |\n");
        }
        if (!report.errorKinds().isEmpty()) {
            md.append("\nUnexpected failures by kind:\n\n");
            for (Map.Entry<String, Long> kind : report.errorKinds().entrySet().stream().sorted(Map.Entry.comparingByKey()).toList()) {
                md.append("- ").append(kind.getKey()).append(": ").append(kind.getValue()).append('\n');
            }
        }
        md.append("\n## Samples\n\n![the series over time](").append(chartFile).append(")\n\n");
        md.append("| ").append(String.join(" | ", COLUMNS)).append(" |\n|").append("---:|".repeat(COLUMNS.length)).append('\n');
        for (SoakSample s : report.samples()) {
            md.append("| ").append(String.join(" | ", List.of(cells(s)))).append(" |\n");
        }
        return md.toString();
    }
}
