package io.hearth.tests.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hearth.testing.HearthExtension;
import io.hearth.testing.Signed;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@code hearth} command as a user runs it: a JVM of its own with the launcher's JVM flags, signing with the test
 * server's root key from the environment, stdout and stderr kept apart.
 */
final class Cli {
    private final Map<String, String> env;

    Cli(URI endpoint) {
        this(endpoint, Signed.serverEnvironment());
    }

    Cli(URI endpoint, Map<String, String> credentials) {
        env = new HashMap<>(credentials);
        env.put("HEARTH_ENDPOINT", endpoint.toString());
    }

    record Result(int exit, String out, String err) {}

    /** Runs to its end, with nothing on stdin. */
    Result run(String... args) throws Exception {
        return run(new byte[0], args);
    }

    Result run(byte[] stdin, String... args) throws Exception {
        Process process = builder(args).start();
        try (var in = process.getOutputStream()) {
            in.write(stdin);
        }
        var err = new StringBuffer();
        Thread errors = Thread.ofVirtual().start(() -> drain(process.getErrorStream(), err));
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        errors.join();
        return new Result(process.exitValue(), out, err.toString());
    }

    /** A running command whose output is collected as it arrives. */
    Running start(String... args) throws IOException {
        Process process = builder(args).start();
        process.getOutputStream().close();
        var running = new Running(process, new StringBuffer(), new StringBuffer());
        Thread.ofVirtual().start(() -> drain(process.getInputStream(), running.out()));
        Thread.ofVirtual().start(() -> drain(process.getErrorStream(), running.err()));
        return running;
    }

    record Running(Process process, StringBuffer out, StringBuffer err) {
        int exit() throws InterruptedException {
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the command ends; out: %s err: %s", out, err).isTrue();
            return process.exitValue();
        }

        void stop() {
            process.destroyForcibly();
        }
    }

    private static void drain(InputStream in, StringBuffer into) {
        byte[] chunk = new byte[8192];
        try (in) {
            for (int n; (n = in.read(chunk)) >= 0; ) {
                into.append(new String(chunk, 0, n, StandardCharsets.UTF_8));
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }

    private ProcessBuilder builder(String... args) {
        var command = new ArrayList<String>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + HearthExtension.repoRoot().resolve("hearth-cli/src/main/jvm/hearth.jvmopts"),
                "-Dhearth.home=" + HearthExtension.repoRoot(), "-cp", System.getProperty("java.class.path"), "io.hearth.cli.Main"));
        command.addAll(List.of(args));
        var builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        builder.environment().remove("HEARTH_DEBUG");
        return builder;
    }

    /** A one-line refusal in the CLI's style, nothing of a stack trace. */
    static void assertOneLineProblem(Result result, String start) {
        assertThat(result.err()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(result.err().lines().toList()).as(result.err()).hasSize(1);
        assertThat(result.err()).startsWith(start).contains("(expected: ");
    }
}
