package io.hearth.cli.internal;

import java.io.PrintStream;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Shows the pull progress a CREATING or UPDATING version reports ({@code pulling <uri>: downloading, 1 of 2 layers
 * seen so far complete, 3.1 of 7.9 MiB}) as one line with a bar: rewritten in place on a terminal, one line per change
 * otherwise, so a log keeps every step without a screenful of carriage returns.
 */
public final class PullProgressLine {
    private static final Pattern PULLING = Pattern.compile("^pulling (\\S+): (.*)$");
    private static final Pattern MEBIBYTES = Pattern.compile("([0-9]+(?:\\.[0-9]+)?) of ([0-9]+(?:\\.[0-9]+)?) MiB");
    private static final int BAR = 24;

    private final PrintStream err;
    private final boolean inPlace;
    private String shown = "";
    private int width;

    private PullProgressLine(PrintStream err, boolean inPlace) {
        this.err = err;
        this.inPlace = inPlace;
    }

    /** Progress on {@code err}, rewritten in place when {@code inPlace} (a terminal). */
    public static PullProgressLine on(PrintStream err, boolean inPlace) {
        return new PullProgressLine(err, inPlace);
    }

    /** Shows nothing: for deploys that pull nothing. */
    static PullProgressLine silent() {
        return new PullProgressLine(new PrintStream(java.io.OutputStream.nullOutputStream()), false);
    }

    /** Shows {@code reason} if it is a pull's progress not shown yet; any other reason is ignored. */
    void show(String reason) {
        var pulling = PULLING.matcher(reason.strip());
        if (!pulling.matches()) {
            return;
        }
        String line = "pulling: " + bar(pulling.group(2)) + pulling.group(2);
        if (line.equals(shown)) {
            return;
        }
        shown = line;
        if (inPlace) {
            err.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
            width = line.length();
        } else {
            err.println(line);
        }
        err.flush();
    }

    /** Ends the line being rewritten, if any, so what follows starts on its own. */
    void finish() {
        if (inPlace && width > 0) {
            err.println();
            width = 0;
        }
        err.flush();
    }

    /** {@code [#######.................] } while bytes are counted, {@code ""} in the other phases. */
    private static String bar(String what) {
        var counts = MEBIBYTES.matcher(what);
        if (!counts.find()) {
            return "";
        }
        double done = Double.parseDouble(counts.group(1));
        double total = Double.parseDouble(counts.group(2));
        int filled = total <= 0 ? BAR : (int) Math.min(BAR, Math.round(BAR * done / total));
        return "[" + "#".repeat(filled) + ".".repeat(BAR - filled) + "] "
                + String.format(Locale.ROOT, "%3d%% ", total <= 0 ? 100 : Math.min(100, Math.round(100 * done / total)));
    }
}
