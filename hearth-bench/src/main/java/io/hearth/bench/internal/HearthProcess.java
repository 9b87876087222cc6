package io.hearth.bench.internal;

import io.hearth.cli.Main;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hearth as users run it: a JVM of its own started the way {@code ./hearth server} starts one (the flags of
 * {@code hearth-cli/src/main/jvm/hearth.jvmopts}, then {@code $HEARTH_JAVA_OPTS}; the CLI's {@code server} command
 * with its defaults), so that what the bench and the soak measure (throughput, descriptors, threads, RSS, heap) is
 * Hearth's alone, never shared with the load generator. Only the rate and capacity quotas are raised, since load
 * beyond AgentCore's rates is the point, and the open-file limit, so that the host, not a default, caps the streams.
 */
public final class HearthProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("Hearth is listening on http://[^:/]+:(\\d+)/? \\(isolation: (\\w+)\\)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    public static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final String JVM_OPTS = "hearth-cli/src/main/jvm/hearth.jvmopts";
    /** The values of {@code QuotaSettings.UNLIMITED}, as the CLI's flags take them. */
    private static final List<String> NO_QUOTAS = List.of(
            "--invocations-per-second", "1000000", "--invocation-burst", "1000000",
            "--new-sessions-per-minute", "60000000", "--new-session-burst", "1000000",
            "--max-active-sessions", "1000000", "--max-sandboxes", "1000000",
            "--max-cold-starts", "100000", "--cold-start-queue", "100000", "--cold-start-wait-ms", "300000");
    /**
     * Raises the hard limit on open files to the kernel's ceiling (root may; others keep theirs) and the soft one to
     * the hard one, then becomes the JVM: the process id stays the server's.
     */
    private static final String RAISE_NOFILE = "n=$(cat /proc/sys/fs/nr_open 2>/dev/null);"
            + " [ -n \"$n\" ] && ulimit -Hn \"$n\" 2>/dev/null; ulimit -Sn \"$(ulimit -Hn)\" 2>/dev/null; exec \"$@\"";

    private final Process process;
    private final int port;
    private final String isolation;
    private final Path log;
    private final List<String> command;

    private HearthProcess(Process process, int port, String isolation, Path log, List<String> command) {
        this.process = process;
        this.port = port;
        this.isolation = isolation;
        this.log = log;
        this.command = command;
    }

    /**
     * Starts Hearth with its data in {@code dataDir}; its output goes to {@code logDir}.
     *
     * @param extraJvmFlags   flags after the launcher's (the soak's fixed heap ceiling); usually none
     * @param extraServerArgs {@code server} options beyond the quotas, such as {@code --registry-insecure HOST:PORT}
     */
    public static HearthProcess start(Path dataDir, String isolation, Path logDir, List<String> extraJvmFlags,
            List<String> extraServerArgs) {
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make Hearth's log directory " + logDir + ": " + e.getMessage(), e);
        }
        Path out = logDir.resolve("hearth.out");
        Path log = logDir.resolve("hearth.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var command = new ArrayList<>(List.of("/bin/sh", "-c", RAISE_NOFILE, "hearth", java, "@" + jvmOpts()));
        command.addAll(environmentOpts());
        command.addAll(extraJvmFlags);
        command.addAll(List.of("-Dhearth.home=" + home(), "-cp", classPath(), Main.class.getName(), "server",
                "--port", "0", "--bind", "127.0.0.1", "--data-dir", dataDir.toString(), "--isolation", isolation));
        command.addAll(NO_QUOTAS);
        command.addAll(extraServerArgs);
        Process process;
        try {
            var builder = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            builder.environment().remove("HEARTH_DATA_DIR");
            builder.environment().putAll(BenchAuth.environment()); // the key the bench's clients sign with
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Hearth (" + java + "): " + e.getMessage(), e);
        }
        List<String> shown = List.copyOf(command.subList(4, command.size()));
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = LISTENING.matcher(read(out));
            if (m.find()) {
                return new HearthProcess(process, Integer.parseInt(m.group(1)), m.group(2), log, shown);
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("Hearth exited with " + process.exitValue() + " before listening: " + tail(log)
                        + " (its output: " + tail(out) + ")");
            }
            Readiness.sleepMillis(50);
        }
        process.destroyForcibly();
        throw new IllegalStateException("Hearth did not say it was listening within " + START_TIMEOUT.toSeconds() + " s: " + tail(log));
    }

    public long pid() {
        return process.pid();
    }

    public int port() {
        return port;
    }

    public String isolation() {
        return isolation;
    }

    public boolean alive() {
        return process.isAlive();
    }

    /**
     * The command line the server runs with, for reports: the class path and the scratch data directory shortened,
     * the JDK and Hearth's home named as variables, so a committed report holds no path of the machine it ran on.
     */
    public String commandLine() {
        String javaHome = System.getProperty("java.home");
        String hearthHome = System.getProperty("hearth.home", "");
        var shown = new ArrayList<String>();
        for (int i = 0; i < command.size(); i++) {
            String arg = command.get(i);
            String previous = i > 0 ? command.get(i - 1) : "";
            if (previous.equals("-cp")) {
                arg = "<bench class path>";
            } else if (previous.equals("--data-dir")) {
                arg = "<scratch data dir>";
            } else {
                arg = arg.replace(javaHome, "$JAVA_HOME");
                if (!hearthHome.isEmpty()) {
                    arg = arg.replace(hearthHome, "$HEARTH_HOME");
                }
            }
            shown.add(arg);
        }
        return String.join(" ", shown);
    }

    /** The server's soft limit on open files (RLIMIT_NOFILE), as it runs; -1 when unreadable. */
    public long openFileLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "limits"))) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** The end of Hearth's log, for messages when something went wrong. */
    public String logTail() {
        return tail(log);
    }

    /** How Hearth ended on SIGTERM. */
    public record Stop(boolean clean, int exitCode, double seconds) {}

    /** Sends SIGTERM and waits for Hearth to exit; kills it when it does not within {@link #STOP_TIMEOUT}. */
    public Stop stop() {
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

    private static Path home() {
        return Path.of(System.getProperty("hearth.home", ".")).toAbsolutePath().normalize();
    }

    private static Path jvmOpts() {
        Path file = home().resolve(JVM_OPTS);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("JVM flags of ./hearth server: " + file
                    + " not found (expected: -Dhearth.home set to the repository, as ./hearth bench sets it)");
        }
        return file;
    }

    /** {@code $HEARTH_JAVA_OPTS} split as the launcher's unquoted expansion splits it. */
    private static List<String> environmentOpts() {
        String opts = Optional.ofNullable(System.getenv("HEARTH_JAVA_OPTS")).orElse("").strip();
        return opts.isEmpty() ? List.of() : Arrays.asList(opts.split("\\s+"));
    }

    /**
     * The bench's class path with the CLI's own jar or classes first, so the server logs as {@code ./hearth server}
     * does (the CLI's logback.xml, not the bench's).
     */
    private static String classPath() {
        var entries = new ArrayList<>(Arrays.asList(System.getProperty("java.class.path").split(java.io.File.pathSeparator)));
        var cli = entries.stream().filter(e -> e.contains("hearth-cli")).toList();
        entries.removeAll(cli);
        entries.addAll(0, cli);
        return String.join(java.io.File.pathSeparator, entries);
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
