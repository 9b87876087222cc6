package io.hearth.sdk;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** One whole message received on a {@link WebSocketConnection}. */
public sealed interface WebSocketMessage {
    /** The message as text (a binary message decoded as UTF-8). */
    String text();

    record Text(String text) implements WebSocketMessage {
        public Text {
            Objects.requireNonNull(text, "text");
        }
    }

    record Binary(byte[] bytes) implements WebSocketMessage {
        public Binary {
            Objects.requireNonNull(bytes, "bytes");
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        @Override
        public String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }
}
