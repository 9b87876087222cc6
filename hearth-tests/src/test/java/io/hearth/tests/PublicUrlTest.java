package io.hearth.tests;

import static io.hearth.tests.ControlPlaneFixture.BUCKET;
import static io.hearth.tests.ControlPlaneFixture.ROLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hearth.api.Json;
import io.hearth.server.ServerConfig;
import io.hearth.testing.Agents;
import io.hearth.testing.HearthExtension;
import io.hearth.testing.NodeScripts;
import io.hearth.testing.Signed;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.NetworkMode;

/**
 * {@code --public-url}: a server behind a proxy tells its agents the URL callers use, not its own bind address, so an
 * A2A agent's card sends clients back through the proxy.
 */
class PublicUrlTest {
    static final URI PUBLIC = URI.create("https://agents.example.com");

    @RegisterExtension
    static final HearthExtension hearth = new HearthExtension(config -> config.withPublicUrl(Optional.of(PUBLIC)));

    @Test
    void anA2aCardNamesThePublicInvocationUrl() throws Exception {
        NodeScripts.assumeReady("a2a-agent");
        var fx = new ControlPlaneFixture(hearth);
        fx.stage(NodeScripts.bundledAgentPath("a2a-agent"), "a2a_public");
        Agents.Runtime runtime = fx.createReady(r -> r.agentRuntimeName(ControlPlaneFixture.uniqueName("a2a_public"))
                .agentRuntimeArtifact(a -> a.codeConfiguration(c -> c
                        .code(code -> code.s3(s3 -> s3.bucket(BUCKET).prefix("a2a_public")))
                        .runtime("NODE_22")
                        .entryPoint("agent.mjs")))
                .protocolConfiguration(p -> p.serverProtocol("A2A"))
                .roleArn(ROLE)
                .networkConfiguration(n -> n.networkMode(NetworkMode.PUBLIC)));

        String escaped = URLEncoder.encode(runtime.arn(), StandardCharsets.UTF_8);
        URI card = hearth.endpoint().resolve("/runtimes/" + escaped + "/invocations/.well-known/agent-card.json");
        HttpResponse<String> answer = HttpClient.newHttpClient().send(
                Signed.get(card).header("X-Amzn-Bedrock-AgentCore-Runtime-Session-Id", "public-url-" + "0".repeat(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        String url = Json.tree(answer.body().getBytes(StandardCharsets.UTF_8))
                .path("supportedInterfaces").get(0).path("url").asString();
        assertThat(url).isEqualTo(PUBLIC + "/runtimes/" + escaped + "/invocations/");
    }

    @Test
    void aPublicUrlThatIsNotHttpIsRefused() {
        assertThatThrownBy(() -> ServerConfig.defaults(Path.of("/tmp/unused"))
                .withPublicUrl(Optional.of(URI.create("ftp://x"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("publicUrl: ftp://x");
    }
}
