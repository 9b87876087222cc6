package io.hearth.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.hearth.testing.Agents;
import io.hearth.testing.HearthExtension;
import io.hearth.testing.NodeScripts;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * InvokeAgentRuntimeCommand through the AWS SDK for JavaScript v3 ({@code commands.mjs}) against a real server and
 * a real agent: output streamed as event-stream chunks, exit codes, timeouts, callers that leave, floods under
 * back-pressure, the agent's own files, sessions ended mid-command, and validation.
 */
class CommandsTest {
    @RegisterExtension
    static final HearthExtension hearth = new HearthExtension();

    @Test
    void theJavaScriptSdkRunsCommandsInTheSessionsSandbox() {
        NodeScripts.assumeReady();
        Agents.Runtime runtime = hearth.agents().pythonCounter();
        var run = NodeScripts.run("commands.mjs", Map.of("HEARTH_ENDPOINT", hearth.endpoint().toString(),
                "HEARTH_RUNTIME_ARN", runtime.arn(), "COMMANDS_ONLY", System.getProperty("commands.only", ""),
                "HEARTH_ISOLATION", HearthExtension.isolation()),
                Duration.ofSeconds(180));
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains(" passed, 0 failed");
    }
}
