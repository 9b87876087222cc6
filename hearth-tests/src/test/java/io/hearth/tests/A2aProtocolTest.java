package io.hearth.tests;

import static io.hearth.tests.ControlPlaneFixture.BUCKET;
import static io.hearth.tests.ControlPlaneFixture.ROLE;
import static org.assertj.core.api.Assertions.assertThat;

import io.hearth.testing.Agents;
import io.hearth.testing.HearthExtension;
import io.hearth.testing.NodeScripts;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.NetworkMode;

/**
 * An A2A agent built with the official {@code @a2a-js/sdk} (js/agents/a2a-agent.mjs), deployed as a NODE_22 code
 * artifact with {@code serverProtocol: A2A}, and driven by the SDK's own client through a SigV4-signing fetch
 * (js/a2a-client.mjs): the card through GetAgentCard naming Hearth's invocation URL, messages and a stream through
 * InvokeAgentRuntime, session stickiness, a named endpoint's card, and the AWS SDK for JavaScript's GetAgentCardCommand.
 * Needs {@code node} and the agents bundled ({@code npm ci && npm run build} in hearth-tests/src/test/js; ./hearth test
 * does both).
 */
class A2aProtocolTest {
    @RegisterExtension
    static final HearthExtension hearth = new HearthExtension();

    static final String PREFIX = "a2a_agent";
    static final String ENDPOINT = "live";

    @Test
    void theOfficialA2aClientTalksToAnOfficialA2aAgentThroughHearth() {
        NodeScripts.assumeReady("a2a-agent");
        var fx = new ControlPlaneFixture(hearth);
        fx.stage(NodeScripts.bundledAgentPath("a2a-agent"), PREFIX);
        Agents.Runtime runtime = fx.createReady(r -> r.agentRuntimeName(ControlPlaneFixture.uniqueName("a2a"))
                .agentRuntimeArtifact(a -> a.codeConfiguration(c -> c
                        .code(code -> code.s3(s3 -> s3.bucket(BUCKET).prefix(PREFIX)))
                        .runtime("NODE_22")
                        .entryPoint("agent.mjs")))
                .protocolConfiguration(p -> p.serverProtocol("A2A"))
                .roleArn(ROLE)
                .networkConfiguration(n -> n.networkMode(NetworkMode.PUBLIC)));
        fx.control.createAgentRuntimeEndpoint(c -> c.agentRuntimeId(runtime.id()).name(ENDPOINT).agentRuntimeVersion("1"));
        fx.awaitEndpointLive(runtime.id(), ENDPOINT, "1");

        var run = NodeScripts.run("a2a-client.mjs", Map.of("HEARTH_ENDPOINT", hearth.endpoint().toString(),
                "HEARTH_RUNTIME_ARN", runtime.arn(), "HEARTH_ENDPOINT_NAME", ENDPOINT), Duration.ofSeconds(120));
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("a2a-client: 8 passed, 0 failed");
    }
}
