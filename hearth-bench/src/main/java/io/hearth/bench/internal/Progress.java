package io.hearth.bench.internal;

import java.io.PrintStream;
import java.util.Locale;

/** Progress lines while the bench runs, each stamped with the seconds since it started. */
public final class Progress {
    private final PrintStream out;
    private final String label;
    private final long started = System.nanoTime();

    public Progress(PrintStream out) {
        this(out, "bench");
    }

    /** Lines prefixed with {@code label} instead of {@code bench}. */
    public Progress(PrintStream out, String label) {
        this.out = out;
        this.label = label;
    }

    public void say(String format, Object... args) {
        double seconds = (System.nanoTime() - started) / 1e9;
        out.printf(Locale.ROOT, "%s [%6.1f s] %s%n", label, seconds, args.length == 0 ? format : String.format(Locale.ROOT, format, args));
        out.flush();
    }

    public double elapsedSeconds() {
        return (System.nanoTime() - started) / 1e9;
    }
}
