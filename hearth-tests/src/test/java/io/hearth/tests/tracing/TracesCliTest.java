package io.hearth.tests.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hearth.testing.Agents;
import io.hearth.testing.Clients;
import io.hearth.testing.HearthExtension;
import io.hearth.testing.Invoker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code hearth traces}: a session's traces as waterfalls, from a running server. */
class TracesCliTest {
    @RegisterExtension
    static final HearthExtension hearth = new HearthExtension();

    @Test
    void theCliPrintsEachTraceAsASpanTree() throws Exception {
        Agents.Runtime runtime = hearth.agents().pythonCounter();
        Invoker invoker = new Invoker(hearth.clients().data(), runtime.arn());
        String session = Invoker.newSessionId();
        invoker.count(session);
        invoker.count(session);
        await().atMost(Duration.ofSeconds(5)).until(() -> TraceViews.traces(TraceViews.of(hearth, runtime.id(), session)).size() == 2);

        String out = cli("traces", session, "--runtime", runtime.id());
        assertThat(out).contains("hearth.start=cold", "hearth.start=warm");
        List<String> lines = out.lines().toList();
        assertThat(lines).anyMatch(l -> l.matches("  invoke +\\+0\\.00 ms +[0-9.]+ ms  \\|#+ *\\|"));
        assertThat(lines).anyMatch(l -> l.startsWith("      sandbox.start "));
        assertThat(lines).anyMatch(l -> l.startsWith("    agent.call "));
        assertThat(lines.stream().filter(l -> l.contains("sandbox.start")).count()).isEqualTo(1);

        assertThat(cli("traces", session, "--runtime", runtime.id(), "--json")).contains("\"traces\"", "\"spanId\"");
    }

    private static String cli(String... args) throws Exception {
        var command = new ArrayList<String>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.hearth.cli.Main"));
        command.addAll(List.of(args));
        var builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(Map.of("HEARTH_ENDPOINT", hearth.endpoint().toString(),
                "HEARTH_ACCESS_KEY_ID", Clients.ACCESS_KEY_ID, "HEARTH_SECRET_ACCESS_KEY", Clients.SECRET_ACCESS_KEY));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }
}
