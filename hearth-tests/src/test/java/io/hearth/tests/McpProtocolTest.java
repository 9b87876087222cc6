package io.hearth.tests;

import static io.hearth.tests.ControlPlaneFixture.BUCKET;
import static io.hearth.tests.ControlPlaneFixture.ROLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hearth.testing.Agents;
import io.hearth.testing.HearthExtension;
import io.hearth.testing.Leftovers;
import io.hearth.testing.NodeScripts;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.NetworkMode;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.ServerProtocol;

/**
 * MCP servers built with the official {@code @modelcontextprotocol/sdk}, one stateful and one stateless, deployed as
 * MCP runtimes and called by that SDK's own client through the invocation URL (docs/protocols.md): session
 * affinity without a runtime session id, Hearth's id in place of the server's, streamed progress, and the end of
 * the session on DELETE; then the AWS SDK for JavaScript v3 against the stateless one. The assertions are in
 * {@code src/test/js/mcp-client.mjs}; this class deploys the servers and runs it. Needs {@code node} and the agents
 * bundled ({@code npm run build} in src/test/js; {@code ./hearth test} does both).
 */
class McpProtocolTest {
    @RegisterExtension
    static final HearthExtension hearth = new HearthExtension();

    static ControlPlaneFixture fx;
    static Agents.Runtime stateful;
    static Agents.Runtime stateless;

    @BeforeAll
    static void deploy() {
        NodeScripts.assumeReady("mcp-stateful", "mcp-stateless");
        fx = new ControlPlaneFixture(hearth);
        stateful = mcpRuntime("mcp-stateful");
        stateless = mcpRuntime("mcp-stateless");
    }

    private static Agents.Runtime mcpRuntime(String agent) {
        String prefix = agent.replace('-', '_');
        fx.stage(NodeScripts.bundledAgentPath(agent), prefix);
        return fx.createReady(r -> r.agentRuntimeName(ControlPlaneFixture.uniqueName(prefix))
                .agentRuntimeArtifact(a -> a.codeConfiguration(c -> c
                        .code(code -> code.s3(s3 -> s3.bucket(BUCKET).prefix(prefix)))
                        .runtime("NODE_22")
                        .entryPoint("agent.mjs")))
                .protocolConfiguration(p -> p.serverProtocol(ServerProtocol.MCP))
                .roleArn(ROLE)
                .networkConfiguration(n -> n.networkMode(NetworkMode.PUBLIC)));
    }

    @Test
    void theMcpSdkClientAndTheAwsSdkReachBothServers() {
        var run = NodeScripts.run("mcp-client.mjs", Map.of("HEARTH_ENDPOINT", hearth.endpoint().toString(),
                "MCP_STATEFUL_ARN", stateful.arn(), "MCP_STATELESS_ARN", stateless.arn()), Duration.ofSeconds(120));
        String output = run.output();
        assertThat(run.exitCode()).as(output).isZero();
        assertThat(output).contains("mcp-client: 24 passed, 0 failed");

        // The sessions the script ended (by DELETE or StopRuntimeSession) left nothing of their sandboxes behind.
        List<String[]> ended = output.lines().filter(line -> line.startsWith("ended-sandbox "))
                .map(line -> line.split(" ")).toList();
        assertThat(ended).as(output).hasSizeGreaterThanOrEqualTo(7);
        for (String[] sandbox : ended) {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(Leftovers.ofSandbox(sandbox[1], sandbox[2])).as("sandbox %s", sandbox[1]).isEmpty());
        }
    }
}
