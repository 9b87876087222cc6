package io.hearth.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The JavaScript side of the protocol tests: scripts in {@code src/test/js} that drive real clients (the AWS SDK v3,
 * MCP, A2A, AG-UI, {@code ws}) against a server, and the agents bundled into {@code dist/agents} that tests deploy.
 * {@code ./hearth test} installs the packages and bundles the agents first.
 */
public final class NodeScripts {
    public static final Path JS = HearthExtension.repoRoot().resolve("hearth-tests/src/test/js");

    private NodeScripts() {}

    /** What a script printed (stdout and stderr together) and how it ended. */
    public record Run(int exitCode, String output) {}

    /** Skips the calling test where node is not on the PATH. */
    public static void assumeNode() {
        assumeTrue(nodeWorks(), "node is not on the PATH");
    }

    /** Skips the calling test where node, the packages or the named bundled agents are missing. */
    public static void assumeReady(String... agents) {
        assumeNode();
        assumeTrue(Files.isDirectory(JS.resolve("node_modules")),
                "src/test/js/node_modules is missing: run npm ci there (./hearth test does)");
        for (String agent : agents) {
            assumeTrue(Files.isRegularFile(bundledAgent(agent).resolve("agent.mjs")),
                    "src/test/js/dist/agents/" + agent + " is missing: run npm run build there (./hearth test does)");
        }
    }

    /** The directory holding a bundled agent's {@code agent.mjs}, ready to stage as a code artifact. */
    public static Path bundledAgent(String name) {
        return JS.resolve("dist/agents").resolve(name);
    }

    /** The same, relative to the repository root (as the control-plane fixture stages examples). */
    public static String bundledAgentPath(String name) {
        return "hearth-tests/src/test/js/dist/agents/" + name;
    }

    /**
     * Runs {@code node <script> [args]} in {@code src/test/js} with the server's endpoint, the SDK credentials and
     * {@code environment}; kills it after {@code timeout}.
     */
    public static Run run(String script, Map<String, String> environment, Duration timeout, String... args) {
        var command = new ArrayList<>(List.of("node", script));
        command.addAll(List.of(args));
        // Output to a file, not a pipe someone must drain: nothing here blocks a thread of a shared pool (the JDK
        // completes Process.onExit on the common pool, which has a single thread on a two-core machine).
        Path log;
        try {
            log = Files.createTempFile("hearth-node-", ".log");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a log file for node " + script, e);
        }
        var builder = new ProcessBuilder(command).directory(JS.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(Signed.sdkEnvironment());
        builder.environment().putAll(environment);
        try {
            Process node = builder.start();
            boolean ended = node.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!ended) {
                node.descendants().forEach(ProcessHandle::destroyForcibly);
                node.destroyForcibly();
                node.waitFor(10, TimeUnit.SECONDS);
            }
            String output = Files.readString(log);
            System.out.print(output);
            return ended ? new Run(node.exitValue(), output)
                    : new Run(-1, output + "\n[" + script + " killed after " + timeout.toSeconds() + " s]");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run node " + script, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while node " + script + " ran", e);
        } finally {
            try {
                Files.deleteIfExists(log);
            } catch (IOException e) {
                // a temp file the next boot clears
            }
        }
    }

    private static boolean nodeWorks() {
        try {
            Process node = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            node.getInputStream().readAllBytes();
            return node.waitFor(10, TimeUnit.SECONDS) && node.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
