package io.hearth.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Hearth server in its own JVM, as {@code hearth server} runs it: for tests that kill it, restart it,
 * or bound its heap.
 */
public final class ServerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("Hearth is listening on (http://\\S+)");

    private final Process process;
    private final URI endpoint;
    private final StringBuffer output;

    private ServerProcess(Process process, URI endpoint, StringBuffer output) {
        this.process = process;
        this.endpoint = endpoint;
        this.output = output;
    }

    public static ServerProcess start(Path dataDir, List<String> jvmOptions, String... serverArgs) {
        var command = new ArrayList<String>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.hearth.cli.Main", "server",
                "--port", "0", "--data-dir", dataDir.toString(), "--min-lifecycle", "1", "--ping-interval-ms", "200",
                "--isolation", HearthExtension.isolation(),
                // Load tests of other things must not trip over AgentCore's rates.
                "--invocations-per-second", "1000000", "--invocation-burst", "1000000",
                "--new-sessions-per-minute", "1000000", "--new-session-burst", "1000000", "--max-sandboxes", "100000"));
        command.addAll(List.of(serverArgs));
        try {
            var builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().putAll(Signed.serverEnvironment()); // the root key the tests sign with
            Process process = builder.start();
            var found = new CompletableFuture<URI>();
            var log = new StringBuffer();
            Thread.ofVirtual().start(() -> {
                try (var reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = reader.readLine()) != null; ) {
                        log.append(line).append('\n');
                        Matcher m = LISTENING.matcher(line);
                        if (m.find()) {
                            found.complete(URI.create(m.group(1)));
                        }
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
                found.completeExceptionally(new IllegalStateException("server exited before listening:\n" + log));
            });
            return new ServerProcess(process, found.get(60, TimeUnit.SECONDS), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("server did not start: " + e.getMessage(), e);
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    /** What the server printed so far (its log), for a failing test to show. */
    public String output() {
        return output.toString();
    }

    public long pid() {
        return process.pid();
    }

    /** SIGKILL: no shutdown hook runs, sandboxes are left for the next start to reclaim. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
