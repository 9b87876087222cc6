package io.hearth.cli.internal;

import java.time.Duration;
import java.util.Locale;

/**
 * The text of a progress line, {@code Packing   [#########.........]  52%  1,204/2,310 files  18.3/35.1 MiB}: a label,
 * a bar sized to fill the width given, the percentage and what was done of what. Rendering only; {@link Progress} says
 * where and how often a line is shown.
 */
public final class ProgressBar {
    static final int LABEL = 10;
    private static final int MIN_CELLS = 10;
    private static final int MAX_CELLS = 50;
    /** As wide as the widest rate, {@code 1023.9 KiB/s}, so that the bar keeps its width. */
    private static final String RATE = "1023.9 KiB/s";
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB"};

    private ProgressBar() {}

    /** The packing line: percent by bytes (by files when every file is empty). */
    public static String packing(long files, long totalFiles, long bytes, long totalBytes, int width) {
        double fraction = totalBytes > 0 ? fraction(bytes, totalBytes) : fraction(files, totalFiles);
        return line("Packing", fraction, padded(count(files), count(totalFiles)) + "/" + count(totalFiles) + " files  "
                + bytes(bytes, totalBytes), width);
    }

    /** The upload line, with the average rate since the upload began and the time left at that rate. */
    public static String upload(long sent, long total, Duration elapsed, int width) {
        String detail = bytes(sent, total);
        double seconds = elapsed.toNanos() / 1e9;
        if (sent > 0 && seconds >= 0.2) {
            double rate = sent / seconds;
            detail += "  " + padded(rate(rate), RATE) + "  ETA " + padded(clock(Duration.ofSeconds(Math.round(Math.max(0, total - sent)
                    / rate))), "--:--");
        } else {
            detail += "  " + padded("-- /s", RATE) + "  ETA --:--";
        }
        return line("Uploading", fraction(sent, total), detail, width);
    }

    /** The wait for READY: a spinner that turns once per {@code tick}, the time waited, and what the server reports. */
    public static String waiting(int tick, Duration elapsed, String news, int width) {
        String line = "Waiting for READY  " + "|/-\\".charAt(Math.floorMod(tick, 4)) + "  " + clock(elapsed)
                + (news.isEmpty() ? "" : "  " + news);
        return fit(line, width);
    }

    /**
     * {@code label [####......] pct%  detail}, the bar as wide as {@code width} allows (between 10 and 50 cells),
     * one column short of it so that a terminal never wraps the line.
     */
    static String line(String label, double fraction, String detail, int width) {
        double f = Double.isNaN(fraction) ? 1 : Math.clamp(fraction, 0, 1);
        String percent = String.format(Locale.ROOT, "%3d%%", (int) Math.floor(f * 100));
        String tail = detail.isEmpty() ? "" : "  " + detail;
        int fixed = LABEL + 2 + 1 + percent.length() + tail.length();
        int cells = Math.clamp(width - 1 - fixed, MIN_CELLS, MAX_CELLS);
        int filled = (int) Math.floor(f * cells);
        return pad(label) + "[" + "#".repeat(filled) + ".".repeat(cells - filled) + "] " + percent + tail;
    }

    /** {@code 1,204}. */
    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** {@code 18.3/35.1 MiB}: both in the unit that suits the total, what is done as wide as the total. */
    static String bytes(long done, long total) {
        int unit = unit(total);
        return unit == 0 ? padded(count(done), count(total)) + "/" + count(total) + " B"
                : padded(scaled(done, unit), scaled(total, unit)) + "/" + scaled(total, unit) + " " + UNITS[unit];
    }

    /** {@code done} as wide as {@code total}, so that the bar keeps its width as the count grows. */
    private static String padded(String done, String total) {
        return done.length() >= total.length() ? done : " ".repeat(total.length() - done.length()) + done;
    }

    /** {@code 35.1 MiB}. */
    static String size(long bytes) {
        int unit = unit(bytes);
        return unit == 0 ? count(bytes) + " B" : scaled(bytes, unit) + " " + UNITS[unit];
    }

    /** {@code 3.2 MiB/s}. */
    static String rate(double bytesPerSecond) {
        int unit = unit((long) bytesPerSecond);
        return unit == 0 ? Math.round(bytesPerSecond) + " B/s" : scaled((long) bytesPerSecond, unit) + " " + UNITS[unit] + "/s";
    }

    /** {@code 0:07}, {@code 12:34}, {@code 1:02:03}. */
    static String clock(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    /** At most {@code width - 1} characters, so that a terminal never wraps it. */
    static String fit(String line, int width) {
        return line.length() < width ? line : line.substring(0, Math.max(0, width - 1));
    }

    private static String pad(String label) {
        return label.length() >= LABEL ? label + " " : label + " ".repeat(LABEL - label.length());
    }

    private static double fraction(long done, long total) {
        return total <= 0 ? 1 : (double) done / total;
    }

    private static int unit(long total) {
        int unit = 0;
        for (long t = total; t >= 1024 && unit < UNITS.length - 1; t /= 1024) {
            unit++;
        }
        return unit;
    }

    private static String scaled(long n, int unit) {
        return String.format(Locale.ROOT, "%.1f", n / Math.pow(1024, unit));
    }
}
