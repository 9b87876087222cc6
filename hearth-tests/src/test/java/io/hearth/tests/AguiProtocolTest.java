package io.hearth.tests;

import static io.hearth.tests.ControlPlaneFixture.BUCKET;
import static io.hearth.tests.ControlPlaneFixture.ROLE;
import static org.assertj.core.api.Assertions.assertThat;

import io.hearth.testing.Agents;
import io.hearth.testing.HearthExtension;
import io.hearth.testing.NodeScripts;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.NetworkMode;

/**
 * An AG-UI agent deployed as an {@code AGUI} runtime, driven by the AG-UI client ({@code @ag-ui/client}'s
 * HttpAgent) through InvokeAgentRuntime's SSE body (docs/protocols.md). The assertions are in
 * {@code src/test/js/agui-client.mjs}.
 */
class AguiProtocolTest {
    @RegisterExtension
    static final HearthExtension hearth = new HearthExtension();

    static Agents.Runtime runtime;

    @BeforeAll
    static void deploy() {
        NodeScripts.assumeReady("agui-agent");
        var fx = new ControlPlaneFixture(hearth);
        fx.stage(NodeScripts.bundledAgentPath("agui-agent"), "agui");
        runtime = fx.createReady(r -> r.agentRuntimeName(ControlPlaneFixture.uniqueName("agui"))
                .agentRuntimeArtifact(a -> a.codeConfiguration(c -> c
                        .code(code -> code.s3(s3 -> s3.bucket(BUCKET).prefix("agui")))
                        .runtime("NODE_22")
                        .entryPoint("agent.mjs")))
                .protocolConfiguration(p -> p.serverProtocol("AGUI")) // newer than the Java SDK here: sent as the string
                .roleArn(ROLE)
                .networkConfiguration(n -> n.networkMode(NetworkMode.PUBLIC)));
    }

    @Test
    void theAgUiClientRunsTheAgentThroughHearth() {
        var run = NodeScripts.run("agui-client.mjs",
                Map.of("HEARTH_ENDPOINT", hearth.endpoint().toString(), "AGUI_ARN", runtime.arn(),
                        // Where the bedrock-agentcore SDK's RuntimeClient sends the WebSocket upgrade.
                        "BEDROCK_AGENTCORE_DATA_PLANE_ENDPOINT", hearth.endpoint().toString()), Duration.ofSeconds(120));
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("agui-client: 4 passed, 0 failed");
    }
}
