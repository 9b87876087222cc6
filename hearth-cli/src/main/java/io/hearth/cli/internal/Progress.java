package io.hearth.cli.internal;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Where a deploy's progress goes and how: redrawn in place on a terminal, a few plain lines when the output is a log
 * or a pipe (a bar's start, each quarter, its end), or nothing at all. Called from one thread.
 */
public final class Progress {
    /** How the lines are shown. */
    public enum Mode {
        /** A terminal: one line rewritten with a carriage return, at most every {@link #REDRAW}. */
        IN_PLACE,
        /** A log or a pipe: whole lines, few of them, so the log stays readable. */
        PLAIN,
        /** Nothing. */
        QUIET
    }

    static final Duration REDRAW = Duration.ofMillis(100);

    private final PrintStream err;
    private final Mode mode;
    private final int width;
    private final LongSupplier nanos;
    /** The length of the line being rewritten in place; 0 when none is. */
    private int drawn;

    Progress(PrintStream err, Mode mode, int width, LongSupplier nanos) {
        if (width < 20) {
            throw new IllegalArgumentException("width: " + width + " (expected: 20 columns or more)");
        }
        this.err = err;
        this.mode = mode;
        this.width = width;
        this.nanos = nanos;
    }

    public static Progress on(PrintStream err, Mode mode, int width) {
        return new Progress(err, mode, width, System::nanoTime);
    }

    /**
     * On stderr: in place when stderr is a terminal, plain lines otherwise, nothing when {@code quiet}; as wide as
     * {@code COLUMNS} says, else 80 columns.
     */
    public static Progress stderr(boolean quiet) {
        Mode mode = quiet ? Mode.QUIET : stderrIsTerminal() ? Mode.IN_PLACE : Mode.PLAIN;
        return on(System.err, mode, columns(System.getenv("COLUMNS")));
    }

    static Progress silent() {
        return on(new PrintStream(OutputStream.nullOutputStream()), Mode.QUIET, 80);
    }

    Mode mode() {
        return mode;
    }

    /** The width {@code COLUMNS} gives, when it is a number of 20 or more; else 80. */
    static int columns(String columns) {
        try {
            int n = columns == null ? 80 : Integer.parseInt(columns.strip());
            return n >= 20 ? n : 80;
        } catch (NumberFormatException e) {
            return 80;
        }
    }

    /** A line of its own (not in quiet mode), after the line being redrawn, if any. */
    public void say(String line) {
        if (mode == Mode.QUIET) {
            return;
        }
        endLine();
        err.println(line);
        err.flush();
    }

    /** A bar from 0 to {@code total} units, shown at once; its text for a count is {@code render}'s. */
    Bar bar(Render render) {
        return new Bar(render);
    }

    /** The text of a bar once {@code done} units are done, {@code elapsed} after it began. */
    @FunctionalInterface
    interface Render {
        String line(long done, Duration elapsed, int width);
    }

    /** One bar: {@link #update} as work gets done, {@link #finish} at its end. */
    final class Bar {
        private final Render render;
        private final long started = nanos.getAsLong();
        private long lastDrawn;
        private int nextQuarter = 25;
        private boolean finished;

        private Bar(Render render) {
            this.render = render;
            draw(0, 0);
        }

        /** {@code done} units of {@code total} are done; shown when it is time to. */
        void update(long done, long total) {
            if (finished) {
                return;
            }
            long now = nanos.getAsLong();
            switch (mode) {
                case IN_PLACE -> {
                    if (now - lastDrawn >= REDRAW.toNanos()) {
                        draw(done, now - started);
                    }
                }
                case PLAIN -> {
                    int percent = total <= 0 ? 100 : (int) Math.min(100, done * 100 / total);
                    if (percent >= nextQuarter && percent < 100) {
                        draw(done, now - started);
                        nextQuarter = (percent / 25 + 1) * 25;
                    }
                }
                case QUIET -> { }
            }
        }

        /** All {@code total} units are done: the last state shown, on a line that ends. */
        void finish(long total) {
            if (finished) {
                return;
            }
            finished = true;
            draw(total, nanos.getAsLong() - started);
            endLine();
            err.flush();
        }

        /** Leaves the bar where it got to (a failure follows), ending its line. */
        void abandon() {
            finished = true;
            endLine();
            err.flush();
        }

        private void draw(long done, long elapsedNanos) {
            lastDrawn = nanos.getAsLong();
            show(render.line(done, Duration.ofNanos(elapsedNanos), width));
        }
    }

    /** A spinner with the time waited and, when the server reports it, what it is doing (an image's pull). */
    final class Wait {
        private final long started = nanos.getAsLong();
        private long lastDrawn;
        private int tick;
        private String news = "";

        private Wait() {
            if (mode == Mode.PLAIN) {
                show("Waiting for READY ...");
            } else {
                draw();
            }
        }

        /** Turns the spinner; {@code news}, when new, is shown (on its own line when plain). */
        void update(String news) {
            boolean changed = !news.equals(this.news);
            this.news = news;
            if (mode == Mode.IN_PLACE && (changed || nanos.getAsLong() - lastDrawn >= REDRAW.toNanos())) {
                tick++;
                draw();
            } else if (mode == Mode.PLAIN && changed && !news.isEmpty()) {
                show(news);
            }
        }

        Duration elapsed() {
            return Duration.ofNanos(nanos.getAsLong() - started);
        }

        /** Ends the spinner's line, so that what follows starts on its own. */
        void finish() {
            endLine();
            err.flush();
        }

        private void draw() {
            lastDrawn = nanos.getAsLong();
            show(ProgressBar.waiting(tick, elapsed(), news, width));
        }
    }

    Wait startWait() {
        return new Wait();
    }

    private void show(String line) {
        switch (mode) {
            case IN_PLACE -> {
                String fitted = ProgressBar.fit(line, width);
                err.print("\r" + fitted + " ".repeat(Math.max(0, drawn - fitted.length())));
                drawn = Math.max(1, fitted.length());
            }
            case PLAIN -> err.println(line);
            case QUIET -> { }
        }
        err.flush();
    }

    private void endLine() {
        if (drawn > 0) {
            err.println();
            drawn = 0;
        }
    }

    /**
     * Whether stderr is a terminal: the JVM has one for stdin and stdout, and on Linux fd 2 is one too (Java has no
     * call for stderr alone); {@code TERM=dumb} never is.
     */
    private static boolean stderrIsTerminal() {
        var console = System.console();
        if (console == null || !console.isTerminal() || "dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        Path fd2 = Path.of("/proc/self/fd/2");
        try {
            String target = Files.readSymbolicLink(fd2).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (java.io.IOException | UnsupportedOperationException | SecurityException e) {
            return true;
        }
    }
}
