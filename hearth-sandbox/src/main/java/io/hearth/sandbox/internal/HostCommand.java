package io.hearth.sandbox.internal;

import io.hearth.sandbox.SandboxException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a short host tool (ip, nft, mount, runsc) to completion and reports its failure with its own words. */
final class HostCommand {
    private static final long TIMEOUT_SECONDS = 30;

    private HostCommand() {}

    record Result(int code, String output) {
        boolean ok() {
            return code == 0;
        }
    }

    /** Runs argv, feeding {@code input} (may be empty) on stdin; never throws for a non-zero exit. */
    static Result run(List<String> argv, String input) {
        Process process;
        try {
            process = new ProcessBuilder(argv).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new SandboxException("cannot run " + argv.getFirst() + ": " + e.getMessage(), e);
        }
        try (var stdin = process.getOutputStream()) {
            stdin.write(input.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // The tool may exit before reading its input; its exit code and output tell what happened.
        }
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new SandboxException(String.join(" ", argv) + ": still running after " + TIMEOUT_SECONDS + " s");
            }
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            throw new SandboxException("cannot read the output of " + argv.getFirst() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new SandboxException(String.join(" ", argv) + ": interrupted", e);
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
