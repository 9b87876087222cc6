package io.hearth.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.hearth.testing.Agents;
import io.hearth.testing.Clients;
import io.hearth.testing.Invoker;
import io.hearth.testing.Leftovers;
import io.hearth.testing.ServerProcess;
import io.hearth.testing.Signed;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.AgentRuntimeStatus;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.NetworkMode;

/**
 * A data dir on an 8 MiB filesystem that an agent's log fills: Hearth keeps answering (calls succeed or fail with an
 * AWS error, never a hang or a dead server), its store stays whole across a restart, and once space is freed it
 * serves as before.
 */
class DataDirFullTest {
    private static final long SIZE = 8L << 20;

    @Test
    void anAgentLogThatFillsTheDataDirLeavesHearthServingAndItsStoreWhole() throws Exception {
        assumeThat(ProcessHandle.current().info().user().orElse("")).as("mounting a tmpfs needs root").isEqualTo("root");
        Path data = Files.createTempDirectory("hearth-full-");
        run("mount", "-t", "tmpfs", "-o", "size=" + SIZE + ",mode=0755", "tmpfs", data.toString());
        try {
            Agents.Runtime first;
            String filler = Invoker.newSessionId();
            try (var server = ServerProcess.start(data, List.of("-Xmx256m"))) {
                first = fillThenFree(server, data, filler);
            }
            // The store is whole: a restart on the same data dir finds every record and serves.
            try (var restarted = ServerProcess.start(data, List.of("-Xmx256m"))) {
                var clients = Clients.of(restarted.endpoint());
                assertThat(clients.control().getAgentRuntime(r -> r.agentRuntimeId(first.id())).status())
                        .isEqualTo(AgentRuntimeStatus.READY);
                assertThat(clients.control().listAgentRuntimes(r -> {}).agentRuntimes()).hasSizeGreaterThanOrEqualTo(2);
                assertThat(new Invoker(clients.data(), first.arn()).count(filler)).isEqualTo(1);
            }
        } finally {
            unmount(data);
        }
    }

    /** Fills the data dir through an agent's log, checks Hearth answers while full, frees the space, checks it serves. */
    private static Agents.Runtime fillThenFree(ServerProcess server, Path data, String filler) throws Exception {
        try {
            var clients = Clients.of(server.endpoint());
            var agents = new Agents(clients, data);
            Agents.Runtime first = agents.faultAgent(Map.of());
            var invoker = new Invoker(clients.data(), first.arn());
            assertThat(invoker.count(filler)).isEqualTo(1);

            // The agent writes 2x the filesystem to its log; its writes fail with ENOSPC part way.
            answerOrAwsError(() -> invoker.invoke(filler, "{\"fault\": \"log\", \"bytes\": " + 2 * SIZE + "}"));
            assertThat(data.getFileSystem().provider().getFileStore(data).getUsableSpace())
                    .as("the data dir is full").isLessThan(256L << 10);

            // Full: every call is answered, as success or as an AWS error, and the server lives on.
            assertThat(health(server)).isEqualTo(200);
            assertThat(clients.control().getAgentRuntime(r -> r.agentRuntimeId(first.id())).status())
                    .isEqualTo(AgentRuntimeStatus.READY);
            answerOrAwsError(() -> invoker.invoke(filler, "{}"));
            answerOrAwsError(() -> invoker.invoke(Invoker.newSessionId(), "{}"));
            answerOrAwsError(() -> createRuntimeFrom(clients, first));
            assertThat(Leftovers.running(server.pid())).as("the server survived the full disk").isTrue();

            // Free the space as an operator would: empty the big log (its agent still holds it open).
            truncateLargeFiles(data.resolve("logs"));
            assertThat(data.getFileSystem().provider().getFileStore(data).getUsableSpace()).isGreaterThan(SIZE / 2);
            invoker.stop(filler);

            assertThat(invoker.count(Invoker.newSessionId())).as("a new session after space is freed").isEqualTo(1);
            var second = agents.faultAgent(Map.of());
            assertThat(new Invoker(clients.data(), second.arn()).count(Invoker.newSessionId())).isEqualTo(1);
            return first;
        } catch (Throwable t) {
            throw new AssertionError(t.getMessage() + "\nserver log:\n" + server.output(), t);
        }
    }

    /** Runs the call; success and AWS-shaped errors are both fine answers, anything else (a cut, a hang) is not. */
    private static void answerOrAwsError(Runnable call) {
        try {
            call.run();
        } catch (AwsServiceException e) {
            assertThat(e.awsErrorDetails().errorCode()).as("an AWS error type: %s", e.getMessage()).isNotBlank();
            assertThat(e.getMessage()).as("a message that says what failed").isNotBlank();
        }
    }

    /**
     * Creates a runtime from the artifact {@code like} was made of, already in the data dir: the server copies it
     * into a new version, which a full disk may refuse.
     */
    private static void createRuntimeFrom(Clients clients, Agents.Runtime like) {
        String prefix = like.id().substring(0, like.id().lastIndexOf('-'));
        clients.control().createAgentRuntime(r -> r.agentRuntimeName("full_" + System.nanoTime() % 100_000)
                .agentRuntimeArtifact(a -> a.codeConfiguration(c -> c
                        .code(code -> code.s3(s3 -> s3.bucket("test-artifacts").prefix(prefix)))
                        .runtime("PYTHON_3_12")
                        .entryPoint("agent.py")))
                .roleArn("arn:aws:iam::000000000000:role/test")
                .networkConfiguration(n -> n.networkMode(NetworkMode.PUBLIC)));
    }

    private static int health(ServerProcess server) throws Exception {
        return HttpClient.newHttpClient().send(Signed.get(server.endpoint().resolve("/hearth/v1/health"))
                .timeout(java.time.Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static void truncateLargeFiles(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                if (Files.size(f) > (64 << 10)) {
                    try (var channel = Files.newByteChannel(f, StandardOpenOption.WRITE)) {
                        channel.truncate(0);
                    }
                }
            }
        }
    }

    /** Unmounts the tmpfs and removes its mount point, whatever happened above. */
    private static void unmount(Path data) throws Exception {
        if (run("umount", data.toString()) != 0 && run("mountpoint", "-q", data.toString()) == 0) {
            run("umount", "-l", data.toString()); // something inside is still busy: detach it now, freed when idle
        }
        Files.deleteIfExists(data);
    }

    private static int run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + ": timed out");
        }
        if (p.exitValue() != 0 && command[0].equals("mount")) {
            throw new IllegalStateException(String.join(" ", command) + ": " + out);
        }
        return p.exitValue();
    }
}
