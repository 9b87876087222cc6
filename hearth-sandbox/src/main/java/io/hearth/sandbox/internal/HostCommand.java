package io.hearth.sandbox.internal;

import io.hearth.sandbox.SandboxException;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short host tool (ip, nft, mount, runsc) to completion and reports its failure with its own words.
 *
 * <p>Input and output go through temporary files rather than pipes: nothing then waits on the tool's streams, so the
 * timeout holds even when the tool hangs, or leaves a child behind that keeps its output open.
 */
final class HostCommand {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final Path WORKING_DIRECTORY = Path.of("").toAbsolutePath();
    /** How long killed processes get to disappear before the caller is told, so none outlives the failure it reports. */
    private static final Duration KILL_WAIT = Duration.ofSeconds(2);

    private HostCommand() {}

    record Result(int code, String output) {
        boolean ok() {
            return code == 0;
        }
    }

    /** Runs argv, feeding {@code input} (may be empty) on stdin; never throws for a non-zero exit. */
    static Result run(List<String> argv, String input) {
        return run(argv, input, DEFAULT_TIMEOUT);
    }

    /**
     * Runs argv for at most {@code timeout}; past it, kills the tool and every process it started and throws.
     * Never throws for a non-zero exit.
     */
    static Result run(List<String> argv, String input, Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: positive)");
        }
        String command = String.join(" ", argv);
        Path in = null;
        Path out = null;
        FileChannel reader = null;
        try {
            out = Files.createTempFile("hearth-cmd-", ".out");
            // Read through a descriptor opened now, so the files can go from /tmp as soon as the tool holds them: a
            // server killed while a tool runs leaves nothing behind.
            reader = FileChannel.open(out, StandardOpenOption.READ);
            if (!input.isEmpty()) {
                in = Files.createTempFile("hearth-cmd-", ".in");
                Files.writeString(in, input);
            }
            Process process;
            try {
                process = Spawner.start(new SpawnSpec(argv, WORKING_DIRECTORY, System.getenv(),
                        in == null ? SpawnSpec.NO_INPUT : in, out, SpawnSpec.OutputMode.REPLACE, false));
            } catch (IOException e) {
                throw new SandboxException("cannot run " + argv.getFirst() + ": " + e.getMessage(), e);
            }
            deleteQuietly(in);
            deleteQuietly(out);
            try {
                if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                    int killed = killTree(process);
                    throw new SandboxException(command + ": still running after " + timeout.toMillis()
                            + " ms (expected: done within its timeout); killed it and " + killed + " processes it started");
                }
            } catch (InterruptedException e) {
                killTree(process);
                Thread.currentThread().interrupt();
                throw new SandboxException(command + ": interrupted; killed it and the processes it started", e);
            }
            String output = new String(Channels.newInputStream(reader).readAllBytes(), StandardCharsets.UTF_8);
            return new Result(process.exitValue(), output.strip());
        } catch (IOException e) {
            throw new SandboxException("cannot pass input or output of " + command + " through a temporary file: "
                    + e.getMessage(), e);
        } finally {
            deleteQuietly(in);
            deleteQuietly(out);
            closeQuietly(reader);
        }
    }

    /**
     * SIGKILLs the tool and its descendants, children first while the tool still holds them as descendants, and waits
     * briefly for them to go. Returns how many descendants it found.
     */
    private static int killTree(Process process) {
        var killed = new ArrayList<ProcessHandle>();
        // A child may fork while we kill: look again until a pass finds nothing new.
        for (int pass = 0; pass < 5; pass++) {
            List<ProcessHandle> found = process.descendants().filter(p -> !killed.contains(p)).toList();
            if (found.isEmpty()) {
                break;
            }
            found.forEach(ProcessHandle::destroyForcibly);
            killed.addAll(found);
        }
        process.destroyForcibly();
        long deadline = System.nanoTime() + KILL_WAIT.toNanos();
        try {
            process.waitFor(KILL_WAIT.toNanos(), TimeUnit.NANOSECONDS);
            for (ProcessHandle child : killed) {
                long left = deadline - System.nanoTime();
                if (left > 0 && child.isAlive()) {
                    child.onExit().get(left, TimeUnit.NANOSECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // still dying: SIGKILL cannot be refused, only delayed (a process in uninterruptible sleep)
        }
        return killed.size();
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // a read-only descriptor: nothing was left to flush
            }
        }
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a temporary file nobody reads again; the next boot's /tmp cleanup takes it
        }
    }

    static Result run(String... argv) {
        return run(List.of(argv), "");
    }

    /** Runs argv and throws, with the tool's output in the message, unless it exits 0. */
    static String check(List<String> argv, String input) {
        Result result = run(argv, input);
        if (!result.ok()) {
            throw new SandboxException(String.join(" ", argv) + " failed with exit code " + result.code()
                    + (result.output().isEmpty() ? "" : ": " + result.output()));
        }
        return result.output();
    }

    static String check(String... argv) {
        return check(List.of(argv), "");
    }
}
