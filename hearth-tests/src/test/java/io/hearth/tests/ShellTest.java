package io.hearth.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.hearth.router.shell.ShellSettings;
import io.hearth.testing.Agents;
import io.hearth.testing.HearthExtension;
import io.hearth.testing.NodeScripts;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Interactive shells in sessions' sandboxes ({@code /runtimes/{arn}/ws/shells}), driven by the official
 * {@code bedrock-agentcore} SDK's own shell client ({@code RuntimeClient.openShell}) in shell-smoke.mjs: output, the
 * agent's files, resize, Ctrl-C, exit codes, reconnects, take-overs, 0xFF, StopRuntimeSession, protocol errors, and a
 * reconnect window short enough to see a detached shell killed.
 */
class ShellTest {
    private static final Duration WINDOW = Duration.ofSeconds(3);

    @RegisterExtension
    static final HearthExtension hearth = new HearthExtension(config -> config
            .withShells(ShellSettings.DEFAULT.withReconnectWindow(WINDOW)));

    @Test
    void theSdkShellClientWorksAgainstHearth() {
        NodeScripts.assumeReady();
        Agents.Runtime runtime = hearth.agents().pythonCounter();
        var run = NodeScripts.run("shell-smoke.mjs", Map.of("HEARTH_ENDPOINT", hearth.endpoint().toString(),
                "HEARTH_RUNTIME_ARN", runtime.arn(), "HEARTH_SHELL_WINDOW_MS", String.valueOf(WINDOW.toMillis())),
                Duration.ofSeconds(300));
        assertThat(run.output()).containsPattern("shell-smoke: [1-9][0-9]* passed, 0 failed").doesNotContain("FAIL");
        assertThat(run.exitCode()).as(run.output()).isZero();
    }
}
