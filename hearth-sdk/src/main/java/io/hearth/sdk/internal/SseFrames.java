package io.hearth.sdk.internal;

import io.hearth.sdk.ServerSentEvent;
import java.nio.charset.StandardCharsets;
import tools.jackson.databind.ObjectMapper;

/**
 * Frames stream items as the official TypeScript SDK does (through {@code @fastify/sse}): text as it is, every line its
 * own {@code data:} line; anything else as JSON; a blank line after each event.
 */
public final class SseFrames {
    private final ObjectMapper json;

    public SseFrames(ObjectMapper json) {
        this.json = json;
    }

    public byte[] item(Object item) {
        var frame = new StringBuilder();
        if (item instanceof ServerSentEvent event) {
            event.event().ifPresent(name -> frame.append("event: ").append(name).append('\n'));
            data(frame, json.writeValueAsString(event.data()));
        } else if (item instanceof String text) {
            data(frame, text);
        } else if (item instanceof byte[] bytes) {
            data(frame, new String(bytes, StandardCharsets.UTF_8));
        } else {
            data(frame, json.writeValueAsString(item));
        }
        return frame.append('\n').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The event that ends a stream whose producer failed: {@code event: error} with {@code {"error": message}}. */
    public byte[] error(String message) {
        var frame = new StringBuilder("event: error\n");
        data(frame, json.writeValueAsString(ErrorBody.of(message)));
        return frame.append('\n').toString().getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] heartbeat() {
        return ": heartbeat\n\n".getBytes(StandardCharsets.UTF_8);
    }

    private static void data(StringBuilder frame, String text) {
        for (String line : text.split("\n", -1)) {
            frame.append("data: ").append(line).append('\n');
        }
    }
}
