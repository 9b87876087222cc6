package io.hearth.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hearth.auth.testing.OidcProviderFixture;
import io.hearth.router.websocket.WebSocketSettings;
import io.hearth.session.SessionInfo;
import io.hearth.testing.Agents;
import io.hearth.testing.HearthExtension;
import io.hearth.testing.NodeScripts;
import io.hearth.testing.Signed;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.AgentRuntimeStatus;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.NetworkMode;

/**
 * WebSockets through Hearth to an agent built with the official {@code bedrock-agentcore} SDK
 * ({@code hearth-tests/src/test/js/agents/ws-echo.mjs}), reached by the same SDK's {@code RuntimeClient} (which builds
 * and signs the URL, with SigV4 headers or presigned) and the {@code ws} package: {@code ws-client.mjs} runs each
 * scenario and asserts what the caller sees; this class checks what the server holds meanwhile.
 */
class WebSocketTest {
    /** Short, so the idle scenario ends quickly; every other scenario keeps its socket busy. */
    static final Duration IDLE = Duration.ofSeconds(3);
    /** The default frame limit (16 MiB), and a message limit low enough to cross with two frames under it. */
    static final WebSocketSettings SETTINGS = WebSocketSettings.DEFAULT.withIdleTimeout(IDLE)
            .withLimits(16L << 20, 20_000_000L);

    @RegisterExtension
    static final HearthExtension hearth = new HearthExtension(config -> config.withWebSockets(SETTINGS));

    static final Path JS = NodeScripts.JS;
    static final String AUDIENCE = "hearth-agents";
    static Agents.Runtime echo;
    static Agents.Runtime jwtEcho;
    static Agents.Runtime plain;
    static OidcProviderFixture provider;
    private Process node;

    @BeforeAll
    static void deploy() {
        NodeScripts.assumeReady("ws-echo");
        echo = hearth.agents().deploy(NodeScripts.bundledAgentPath("ws-echo"), "NODE_22", "agent.mjs", null,
                Map.of(), Map.of());
    }

    @AfterAll
    static void stopProvider() {
        if (provider != null) {
            provider.close();
        }
    }

    /** The echo agent again, behind a customJWTAuthorizer of a provider started for the test. */
    static Agents.Runtime jwtEcho() {
        if (jwtEcho == null) {
            provider = OidcProviderFixture.start();
            Agents.copyTree(JS.resolve("dist/agents/ws-echo"),
                    Agents.artifacts(hearth.dataDir()).resolve("test-artifacts").resolve("ws_echo_jwt"));
            var control = hearth.clients().control();
            var created = control.createAgentRuntime(r -> r.agentRuntimeName("ws_echo_jwt")
                    .agentRuntimeArtifact(a -> a.codeConfiguration(c -> c
                            .code(code -> code.s3(s3 -> s3.bucket("test-artifacts").prefix("ws_echo_jwt")))
                            .runtime("NODE_22")
                            .entryPoint("agent.mjs")))
                    .roleArn("arn:aws:iam::000000000000:role/test")
                    .networkConfiguration(n -> n.networkMode(NetworkMode.PUBLIC))
                    .authorizerConfiguration(a -> a.customJWTAuthorizer(j -> j
                            .discoveryUrl(provider.discoveryUrl().toString()).allowedAudience(AUDIENCE))));
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> control
                    .getAgentRuntime(g -> g.agentRuntimeId(created.agentRuntimeId())).status() == AgentRuntimeStatus.READY);
            jwtEcho = new Agents.Runtime(created.agentRuntimeId(), created.agentRuntimeArn());
        }
        return jwtEcho;
    }

    @AfterEach
    void stopNode() {
        if (node != null && node.isAlive()) {
            node.destroyForcibly();
        }
    }

    @Test
    void signedHeadersAndPresignedUrlsEchoTextAndBinary() throws Exception {
        assertThat(run("header", "presigned", "ping", "fragments")).contains("ws-client: 4 passed, 0 failed");
    }

    @Test
    void tenMegabytesAndTenThousandMessagesCrossInOrder() throws Exception {
        assertThat(run("big", "many")).contains("ws-client: 2 passed, 0 failed");
    }

    @Test
    void closesCrossWithTheirCodesAndReasons() throws Exception {
        assertThat(run("clientClose", "agentClose", "stopped", "agentDies")).contains("ws-client: 4 passed, 0 failed");
    }

    @Test
    void invocationsAndSocketsOfOneSessionReachOneSandbox() throws Exception {
        assertThat(run("sharedSession")).contains("ws-client: 1 passed, 0 failed");
    }

    @Test
    void badSignaturesExpiredUrlsOversizedFramesAndMessagesAndPlainGetsAreRefused() throws Exception {
        assertThat(run("badSignature", "expired", "frameLimit", "messageLimit", "notUpgrade"))
                .contains("ws-client: 5 passed, 0 failed");
    }

    @Test
    void aJwtRuntimeTakesBearerTokensInAHeaderOrASubprotocol() throws Exception {
        Agents.Runtime runtime = jwtEcho();
        String token = provider.token().audience(AUDIENCE).sign();
        assertThat(run(Map.of("HEARTH_JWT_RUNTIME_ARN", runtime.arn(), "HEARTH_JWT", token), "bearer"))
                .contains("ws-client: 1 passed, 0 failed");
    }

    @Test
    void anAgentWithoutWebSocketsIsA424BeforeTheUpgrade() throws Exception {
        plain = plain == null ? hearth.agents().pythonCounter() : plain;
        assertThat(run(Map.of("HEARTH_PLAIN_RUNTIME_ARN", plain.arn()), "refused"))
                .contains("ws-client: 1 passed, 0 failed");
    }

    @Test
    void anIdleSocketIsClosed() throws Exception {
        assertThat(run("idle")).contains("ws-client: 1 passed, 0 failed");
    }

    @Test
    void anOpenSocketKeepsItsSessionBusyAndADroppedOneReleasesIt() throws Exception {
        node = start("drop");
        var out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
        List<String> lines = new ArrayList<>();
        String sessionId = null;
        for (String line; sessionId == null && (line = out.readLine()) != null; ) {
            lines.add(line);
            if (line.startsWith("open ")) {
                sessionId = line.substring(5);
            }
        }
        assertThat(sessionId).as(String.join("\n", lines)).isNotNull();
        String id = sessionId;
        // Well past the socket's creation, the session is still busy with it: never idle while it is open.
        Thread.sleep(500);
        assertThat(session(id)).hasValueSatisfying(s -> assertThat(s.inFlight()).isEqualTo(1));

        try (OutputStream in = node.getOutputStream()) {
            in.write("drop\n".getBytes(StandardCharsets.UTF_8));
        }
        String rest = readAll(out);
        assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(node.exitValue()).as(rest).isZero();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(session(id)).hasValueSatisfying(s -> assertThat(s.inFlight()).isZero()));
    }

    private static Optional<SessionInfo> session(String id) {
        return hearth.server().sessions().find(s -> s.sessionId().equals(id) && s.endedAt().isEmpty());
    }

    private String run(String... scenarios) throws IOException, InterruptedException {
        return run(Map.of(), scenarios);
    }

    private String run(Map<String, String> environment, String... scenarios) {
        var all = new java.util.HashMap<>(clientEnvironment());
        all.putAll(environment);
        var run = NodeScripts.run("ws-client.mjs", all, Duration.ofSeconds(180), scenarios);
        assertThat(run.exitCode()).as(run.output()).isZero();
        return run.output();
    }

    private static Map<String, String> clientEnvironment() {
        return Map.of("BEDROCK_AGENTCORE_DATA_PLANE_ENDPOINT", hearth.endpoint().toString(), "HEARTH_RUNTIME_ARN", echo.arn());
    }

    private Process start(String... scenarios) throws IOException {
        return start(Map.of(), scenarios);
    }

    private Process start(Map<String, String> environment, String... scenarios) throws IOException {
        List<String> command = new ArrayList<>(List.of("node", "ws-client.mjs"));
        command.addAll(List.of(scenarios));
        var builder = new ProcessBuilder(command).directory(NodeScripts.JS.toFile()).redirectErrorStream(true);
        builder.environment().putAll(clientEnvironment());
        builder.environment().putAll(Signed.sdkEnvironment());
        builder.environment().putAll(environment);
        return builder.start();
    }

    private static String readAll(BufferedReader reader) throws IOException {
        var text = new StringBuilder();
        for (String line; (line = reader.readLine()) != null; ) {
            text.append(line).append('\n');
        }
        return text.toString();
    }
}
