package io.hearth.router.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hearth.api.Json;
import io.hearth.sandbox.ExecSpec.TerminalSize;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ShellFramesTest {

    @Test
    void decodesWhatAClientSends() {
        assertThat(ShellFrames.decode(frame(0, "ls\n"))).isInstanceOfSatisfying(ClientFrame.Stdin.class,
                stdin -> assertThat(new String(stdin.bytes(), StandardCharsets.UTF_8)).isEqualTo("ls\n"));
        assertThat(ShellFrames.decode(frame(4, "{\"width\":120,\"height\":40}")))
                .isEqualTo(new ClientFrame.Resize(new TerminalSize(120, 40)));
        assertThat(ShellFrames.decode(frame(5, ""))).isEqualTo(new ClientFrame.Heartbeat());
        assertThat(ShellFrames.decode(frame(0xFF, ""))).isEqualTo(new ClientFrame.Close());
    }

    @Test
    void refusesWhatBreaksTheProtocol() {
        assertThatThrownBy(() -> ShellFrames.decode(ByteBuffer.allocate(0))).isInstanceOfSatisfying(
                ShellProtocolException.class, e -> assertThat(e.closeCode()).isEqualTo(1008));
        assertThatThrownBy(() -> ShellFrames.decode(frame(1, "x"))).isInstanceOfSatisfying(ShellProtocolException.class,
                e -> assertThat(e.getMessage()).startsWith("channel: 1 (expected:"));
        assertThatThrownBy(() -> ShellFrames.decode(frame(4, "{\"width\":0,\"height\":40}")))
                .hasMessageStartingWith("resize: {\"width\":0,\"height\":40} (expected:");
        assertThatThrownBy(() -> ShellFrames.decode(frame(4, "{\"width\":\"80\",\"height\":24}")))
                .isInstanceOf(ShellProtocolException.class);
        assertThatThrownBy(() -> ShellFrames.decode(frame(4, "not json"))).isInstanceOf(ShellProtocolException.class);
        assertThatThrownBy(() -> ShellFrames.decode(ByteBuffer.allocate(ShellFrames.MAX_FRAME_BYTES + 1)))
                .isInstanceOfSatisfying(ShellProtocolException.class, e -> assertThat(e.closeCode()).isEqualTo(1009));
    }

    @Test
    void statusFramesAreShapedAsTheClientsParseThem() {
        JsonNode connected = status(ShellFrames.connected("debug", true, 42));
        assertThat(connected.get("kind").asString()).isEqualTo("Status");
        assertThat(connected.get("apiVersion").asString()).isEqualTo("v1");
        assertThat(connected.get("status").asString()).isEqualTo("Success");
        assertThat(connected.at("/metadata/shellId").asString()).isEqualTo("debug");
        assertThat(connected.at("/metadata/reconnected").asBoolean()).isTrue();
        assertThat(connected.at("/metadata/bytesDropped").asLong()).isEqualTo(42);
        assertThat(status(ShellFrames.connected("debug", false, 0)).get("metadata").has("bytesDropped")).isFalse();

        JsonNode clean = status(ShellFrames.exited(0));
        assertThat(clean.get("status").asString()).isEqualTo("Success");
        assertThat(clean.get("metadata").isEmpty()).isTrue();

        JsonNode failed = status(ShellFrames.exited(3));
        assertThat(failed.get("status").asString()).isEqualTo("Failure");
        assertThat(failed.get("reason").asString()).isEqualTo("NonZeroExitCode");
        assertThat(failed.at("/details/causes/0/reason").asString()).isEqualTo("ExitCode");
        assertThat(failed.at("/details/causes/0/message").asString()).isEqualTo("3");
    }

    @Test
    void outputFramesCarryAtMostTheFrameLimit() {
        byte[] big = new byte[ShellFrames.MAX_PAYLOAD_BYTES];
        assertThat(ShellFrames.stdout(big, 0, big.length).remaining()).isEqualTo(ShellFrames.MAX_FRAME_BYTES);
        assertThatThrownBy(() -> ShellFrames.stdout(new byte[big.length + 1], 0, big.length + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void closeReasonsFitAFrame() {
        String reason = "é".repeat(100);
        assertThat(ShellSocket.fitted(reason).getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(123);
        assertThat(ShellSocket.fitted(reason)).endsWith("...").doesNotContain("\uFFFD");
        assertThat(ShellSocket.fitted("short")).isEqualTo("short");
    }

    private static JsonNode status(ByteBuffer frame) {
        assertThat(frame.get(0)).isEqualTo((byte) 3);
        byte[] json = new byte[frame.remaining() - 1];
        frame.slice(1, json.length).get(json);
        return Json.tree(json);
    }

    private static ByteBuffer frame(int channel, String payload) {
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(bytes.length + 1).put((byte) channel).put(bytes).flip();
    }
}
