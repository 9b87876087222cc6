package io.hearth.bench.internal;

import java.io.PrintStream;
import java.util.Locale;

/** Progress lines while the bench runs, each stamped with the seconds since it started. */
public final class Progress {
    private final PrintStream out;
    private final long started = System.nanoTime();

    public Progress(PrintStream out) {
        this.out = out;
    }

    public void say(String format, Object... args) {
        double seconds = (System.nanoTime() - started) / 1e9;
        out.printf(Locale.ROOT, "bench [%6.1f s] %s%n", seconds, args.length == 0 ? format : String.format(Locale.ROOT, format, args));
        out.flush();
    }

    public double elapsedSeconds() {
        return (System.nanoTime() - started) / 1e9;
    }
}
