package io.hearth.bench.soak;

import io.hearth.bench.internal.BenchAuth;
import io.hearth.bench.internal.Readiness;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hearth in a JVM of its own ({@link SoakServerMain}), so that what the soak samples (descriptors, threads, RSS,
 * heap) is Hearth's alone. Its GC log goes to a file: the heap after each full GC is read from there.
 */
final class HearthProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("Hearth is listening on http://[^:/]+:(\\d+)/? \\(isolation: (\\w+)\\)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final int port;
    private final String isolation;
    private final Path gcLog;
    private final Path log;

    private HearthProcess(Process process, int port, String isolation, Path gcLog, Path log) {
        this.process = process;
        this.port = port;
        this.isolation = isolation;
        this.gcLog = gcLog;
        this.log = log;
    }

    /** Starts Hearth with its data in {@code dataDir}; its output and GC log go to {@code logDir}. */
    static HearthProcess start(Path dataDir, String isolation, Path logDir) {
        Path out = logDir.resolve("hearth.out");
        Path log = logDir.resolve("hearth.log");
        Path gcLog = logDir.resolve("gc.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var command = new ArrayList<>(List.of(java,
                // A fixed heap ceiling and G1, as a default server JVM on a small host would run; the soak only
                // needs the heap after full GCs, which the gc log states in whole MiB.
                "-Xmx512m", "-XX:+UseG1GC", "-Xlog:gc:file=" + gcLog + ":uptime",
                "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"),
                SoakServerMain.class.getName(), dataDir.toString(), isolation));
        Process process;
        try {
            var builder = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            builder.environment().putAll(BenchAuth.environment()); // the key SoakTraffic and HearthNode sign with
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Hearth (" + java + "): " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = LISTENING.matcher(read(out));
            if (m.find()) {
                return new HearthProcess(process, Integer.parseInt(m.group(1)), m.group(2), gcLog, log);
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("Hearth exited with " + process.exitValue() + " before listening: " + tail(log));
            }
            Readiness.sleepMillis(50);
        }
        process.destroyForcibly();
        throw new IllegalStateException("Hearth did not say it was listening within " + START_TIMEOUT.toSeconds() + " s: " + tail(log));
    }

    long pid() {
        return process.pid();
    }

    int port() {
        return port;
    }

    String isolation() {
        return isolation;
    }

    Path gcLog() {
        return gcLog;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** The end of Hearth's log, for messages when something went wrong. */
    String logTail() {
        return tail(log);
    }

    /** How Hearth ended on SIGTERM. */
    record Stop(boolean clean, int exitCode, double seconds) {}

    /** Sends SIGTERM and waits for Hearth to exit; kills it when it does not within {@link #STOP_TIMEOUT}. */
    Stop stop() {
        long started = System.nanoTime();
        process.destroy(); // SIGTERM: the shutdown hook closes the server, which ends every sandbox
        try {
            if (process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                return new Stop(true, process.exitValue(), (System.nanoTime() - started) / 1e9);
            }
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        return new Stop(false, process.isAlive() ? -1 : process.exitValue(), (System.nanoTime() - started) / 1e9);
    }

    /** Stops Hearth if it still runs; agents of a Hearth that had to be killed are killed too. */
    @Override
    public void close() {
        if (process.isAlive()) {
            var below = process.descendants().toList();
            if (!stop().clean()) {
                below.forEach(ProcessHandle::destroyForcibly);
            }
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static String tail(Path file) {
        String text = read(file).strip();
        return text.isEmpty() ? "(its log is empty)" : text.substring(Math.max(0, text.length() - 2_000));
    }
}
