package io.hearth.router.shell;

import io.hearth.api.Json;
import io.hearth.sandbox.ExecSpec.TerminalSize;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The shell's framing, that of Kubernetes' {@code v5.channel.k8s.io}: each binary WebSocket message is one channel
 * byte and its payload. Client to server: 0 stdin, 4 resize ({@code {"width":N,"height":N}}), 5 heartbeat, 0xFF
 * close. Server to client: 1 stdout, 2 stderr, 3 status (a Kubernetes {@code Status} object), 5 heartbeat, 0xFF
 * close. A message is at most {@value #MAX_FRAME_BYTES} bytes, channel byte included.
 */
public final class ShellFrames {
    /** The largest message either side sends, channel byte included (the official clients' limit). */
    public static final int MAX_FRAME_BYTES = 64 * 1024;
    /** The most payload one frame carries. */
    public static final int MAX_PAYLOAD_BYTES = MAX_FRAME_BYTES - 1;

    static final byte STDIN = 0;
    static final byte STDOUT = 1;
    static final byte STDERR = 2;
    static final byte STATUS = 3;
    static final byte RESIZE = 4;
    static final byte HEARTBEAT = 5;
    static final byte CLOSE = (byte) 0xFF;

    private ShellFrames() {}

    /**
     * Reads one message from the client.
     *
     * @throws ShellProtocolException for an empty or oversized message, a channel a client may not send on, or a
     *                                resize that is not two positive integers
     */
    public static ClientFrame decode(ByteBuffer message) {
        int length = message.remaining();
        if (length == 0) {
            throw new ShellProtocolException(ShellProtocolException.POLICY_VIOLATION,
                    "frame: empty (expected: a channel byte, then the payload)");
        }
        if (length > MAX_FRAME_BYTES) {
            throw new ShellProtocolException(ShellProtocolException.TOO_BIG,
                    "frame: " + length + " bytes (expected: at most " + MAX_FRAME_BYTES + ")");
        }
        ByteBuffer frame = message.slice();
        byte channel = frame.get();
        byte[] payload = new byte[frame.remaining()];
        frame.get(payload);
        return switch (channel) {
            case STDIN -> new ClientFrame.Stdin(payload);
            case RESIZE -> new ClientFrame.Resize(size(payload));
            case HEARTBEAT -> new ClientFrame.Heartbeat();
            case CLOSE -> new ClientFrame.Close();
            default -> throw new ShellProtocolException(ShellProtocolException.POLICY_VIOLATION,
                    "channel: " + (channel & 0xFF) + " (expected: 0 stdin, 4 resize, 5 heartbeat or 255 close)");
        };
    }

    private static TerminalSize size(byte[] payload) {
        JsonNode json;
        try {
            json = Json.mapper().readTree(payload);
        } catch (JacksonException e) {
            json = null;
        }
        if (json == null || !isInt(json.path("width")) || !isInt(json.path("height"))) {
            throw badResize(payload);
        }
        try {
            return new TerminalSize(json.get("width").asInt(), json.get("height").asInt());
        } catch (IllegalArgumentException e) {
            throw badResize(payload);
        }
    }

    private static boolean isInt(JsonNode value) {
        return value.isIntegralNumber() && value.canConvertToInt();
    }

    private static ShellProtocolException badResize(byte[] payload) {
        String shown = new String(payload, 0, Math.min(payload.length, 60), StandardCharsets.UTF_8);
        return new ShellProtocolException(ShellProtocolException.POLICY_VIOLATION,
                "resize: " + shown + " (expected: {\"width\":1-65535,\"height\":1-65535})");
    }

    /** Terminal output; {@code length} is at most {@link #MAX_PAYLOAD_BYTES}. */
    public static ByteBuffer stdout(byte[] bytes, int offset, int length) {
        return frame(STDOUT, bytes, offset, length);
    }

    /** A message from Hearth itself (not the shell's), such as why a socket was refused. */
    public static ByteBuffer stderr(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return frame(STDERR, bytes, 0, Math.min(bytes.length, MAX_PAYLOAD_BYTES));
    }

    public static ByteBuffer heartbeat() {
        return ByteBuffer.wrap(new byte[] {HEARTBEAT});
    }

    public static ByteBuffer close() {
        return ByteBuffer.wrap(new byte[] {CLOSE});
    }

    /**
     * The first frame of every connection: which shell this is, whether it was running already, and how much of its
     * output was lost while no one was attached ({@code bytesDropped}, only when some was).
     */
    public static ByteBuffer connected(String shellId, boolean reconnected, long bytesDropped) {
        var metadata = new LinkedHashMap<String, Object>();
        metadata.put("shellId", shellId);
        metadata.put("reconnected", reconnected);
        if (bytesDropped > 0) {
            metadata.put("bytesDropped", bytesDropped);
        }
        return status(status(metadata, "Success"));
    }

    /**
     * The shell's end, as Kubernetes reports an exec's: {@code Success} for 0, otherwise {@code Failure} with the
     * code as the message of the {@code ExitCode} cause, which is where clients read it.
     */
    public static ByteBuffer exited(int exitCode) {
        if (exitCode == 0) {
            return status(status(Map.of(), "Success"));
        }
        Map<String, Object> status = status(Map.of(), "Failure");
        status.put("message", "command terminated with non-zero exit code: " + exitCode);
        status.put("reason", "NonZeroExitCode");
        status.put("details", Map.of("causes", List.of(Map.of("reason", "ExitCode", "message", String.valueOf(exitCode)))));
        return status(status);
    }

    private static Map<String, Object> status(Map<String, Object> metadata, String outcome) {
        var status = new LinkedHashMap<String, Object>();
        status.put("kind", "Status");
        status.put("apiVersion", "v1");
        status.put("metadata", metadata);
        status.put("status", outcome);
        return status;
    }

    private static ByteBuffer status(Map<String, Object> status) {
        byte[] json = Json.write(status);
        return frame(STATUS, json, 0, json.length);
    }

    private static ByteBuffer frame(byte channel, byte[] bytes, int offset, int length) {
        if (length > MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("payload: " + length + " bytes (expected: at most " + MAX_PAYLOAD_BYTES + ")");
        }
        ByteBuffer frame = ByteBuffer.allocate(length + 1);
        frame.put(channel).put(bytes, offset, length).flip();
        return frame;
    }
}
