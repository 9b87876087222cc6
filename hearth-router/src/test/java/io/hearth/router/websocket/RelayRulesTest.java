package io.hearth.router.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The small rules of the relay: what reaches the agent's URL, which close codes may cross, the settings' bounds. */
class RelayRulesTest {
    @Test
    void theAgentGetsTheCallersOwnQueryParametersOnly() {
        assertThat(AgentSocketRoute.agentQuery(null)).isEmpty();
        assertThat(AgentSocketRoute.agentQuery("qualifier=DEFAULT&accountId=000000000000")).isEmpty();
        assertThat(AgentSocketRoute.agentQuery("X-Amzn-Bedrock-AgentCore-Runtime-Session-Id=s&X-Amz-Algorithm=AWS4-HMAC-SHA256"
                + "&X-Amz-Credential=a%2Fb&x-amz-signature=00&room=blue%20one&flag")).isEqualTo("?room=blue%20one&flag");
    }

    @Test
    void codesNoCloseFrameMayCarryAreNeverSent() {
        assertThat(SocketBridge.maySend(1000)).isTrue();
        assertThat(SocketBridge.maySend(1011)).isTrue();
        assertThat(SocketBridge.maySend(4001)).isTrue();
        assertThat(SocketBridge.maySend(3000)).isTrue();
        assertThat(SocketBridge.maySend(1005)).isFalse();
        assertThat(SocketBridge.maySend(1006)).isFalse();
        assertThat(SocketBridge.maySend(1015)).isFalse();
        assertThat(SocketBridge.maySend(5000)).isFalse();
    }

    @Test
    void reasonsAreCutToWhatACloseFrameHoldsWithoutSplittingACharacter() {
        String reason = "é".repeat(100);
        String cut = SocketBridge.truncate(reason);
        assertThat(cut.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(123);
        assertThat(reason).startsWith(cut);
        assertThat(SocketBridge.utf8Length("aé€😀")).isEqualTo("aé€😀".getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void settingsNameTheirBounds() {
        assertThatThrownBy(() -> WebSocketSettings.DEFAULT.withLimits(100, 1_000))
                .hasMessage("maxFrameBytes: 100 (expected: at least 125)");
        assertThatThrownBy(() -> WebSocketSettings.DEFAULT.withLimits(1_000, 999))
                .hasMessage("maxMessageBytes: 999 (expected: at least maxFrameBytes, 1000)");
        assertThatThrownBy(() -> WebSocketSettings.DEFAULT.withIdleTimeout(Duration.ZERO))
                .hasMessageStartingWith("idleTimeout: PT0S");
    }
}
