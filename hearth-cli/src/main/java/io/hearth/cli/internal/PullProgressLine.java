package io.hearth.cli.internal;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The pull progress a CREATING or UPDATING version reports in its failureReason ({@code pulling <uri>: downloading,
 * 1 of 2 layers seen so far complete, 3.1 of 7.9 MiB}) as one short line with a bar,
 * {@code pulling: [#######.................]  29% downloading, ...}; {@link Progress} shows it beside the spinner on
 * a terminal, one line per change otherwise.
 */
final class PullProgressLine {
    private static final Pattern PULLING = Pattern.compile("^pulling (\\S+): (.*)$");
    private static final Pattern MEBIBYTES = Pattern.compile("([0-9]+(?:\\.[0-9]+)?) of ([0-9]+(?:\\.[0-9]+)?) MiB");
    private static final int BAR = 24;

    private PullProgressLine() {}

    /** The line for {@code reason} when it is a pull's progress; empty for any other reason. */
    static Optional<String> of(String reason) {
        var pulling = PULLING.matcher(reason.strip());
        if (!pulling.matches()) {
            return Optional.empty();
        }
        return Optional.of("pulling: " + bar(pulling.group(2)) + pulling.group(2));
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
