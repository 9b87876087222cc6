package io.hearth.bench.soak;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ./hearth soak [--minutes N | --seconds N] [--isolation process|namespaces|gvisor|auto] [--rate N] [--out DIR]}:
 * runs the soak, prints progress on stderr and the table on stdout, writes {@code <date>-soak.md|.png} to
 * {@code soak/results}; exits 1 when a series was not flat or something leaked.
 */
public final class SoakMain {
    private static final String USAGE = "usage: ./hearth soak [--minutes N | --seconds N] [--isolation process|namespaces|gvisor|auto]"
            + " [--rate N] [--out DIR]   (default: 10 minutes, process isolation, 100 invokes/s; at most 24 h)";

    private SoakMain() {}

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        // Interrupted (Ctrl-C, SIGTERM) mid-run, Hearth and its agents must not outlive the soak.
        Runtime.getRuntime().addShutdownHook(new Thread(
                () -> ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly), "soak-cleanup"));
        Path home = Path.of(System.getProperty("hearth.home", ".")).toAbsolutePath().normalize();
        SoakConfig config;
        try {
            config = parse(home, args);
        } catch (IllegalArgumentException e) {
            System.err.println("soak: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        if (config == null) {
            System.out.println(USAGE);
            return;
        }
        SoakReport report = Soak.run(config, System.err);
        List<Path> written = Soak.write(report, config.outputDir());
        System.out.println();
        System.out.println("Hearth soak, " + report.date() + ", " + Math.round(report.seconds()) + " s, isolation "
                + report.isolation() + ", " + report.machine());
        System.out.println();
        System.out.print(Soak.table(report));
        written.forEach(p -> System.out.println("wrote " + (p.toAbsolutePath().startsWith(home) ? home.relativize(p.toAbsolutePath()) : p)));
        // Everything the soak started is stopped by now; halting skips waiting on stray non-daemon library threads.
        System.exit(report.passed() ? 0 : 1);
    }

    /** The configuration the arguments ask for; null when they ask for help. */
    static SoakConfig parse(Path home, String[] args) {
        Duration duration = Duration.ofMinutes(10);
        String isolation = "process";
        Integer rate = null;
        Path out = null;
        List<String> rest = new ArrayList<>(List.of(args));
        while (!rest.isEmpty()) {
            String arg = rest.removeFirst();
            switch (arg) {
                case "--minutes" -> duration = seconds(arg, number(arg, value(rest, arg)) * 60);
                case "--seconds" -> duration = seconds(arg, number(arg, value(rest, arg)));
                case "--isolation" -> isolation = value(rest, arg);
                case "--rate" -> rate = (int) number(arg, value(rest, arg));
                case "--out" -> out = Path.of(value(rest, arg)).toAbsolutePath();
                case "-h", "--help" -> {
                    return null;
                }
                default -> throw new IllegalArgumentException("argument: " + arg
                        + " (expected: --minutes N, --seconds N, --isolation I, --rate N or --out DIR)");
            }
        }
        SoakConfig config = SoakConfig.standard(home, out != null ? out : home.resolve("soak/results"), duration, isolation);
        return rate != null ? config.withRate(rate) : config;
    }

    private static Duration seconds(String option, double seconds) {
        if (!(seconds >= 10) || seconds > SoakConfig.MAX_DURATION.toSeconds()) {
            throw new IllegalArgumentException(option + ": " + seconds + " s (expected: 10 s to 24 h)");
        }
        return Duration.ofMillis(Math.round(seconds * 1000));
    }

    private static double number(String option, String text) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": " + text + " (expected: a number)");
        }
    }

    private static String value(List<String> rest, String option) {
        if (rest.isEmpty()) {
            throw new IllegalArgumentException(option + ": missing value");
        }
        return rest.removeFirst();
    }
}
