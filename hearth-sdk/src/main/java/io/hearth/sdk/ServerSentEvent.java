package io.hearth.sdk;

import java.util.Objects;
import java.util.Optional;

/**
 * One item of a stream with an event name, framed {@code event: <name>\ndata: <data as JSON>\n\n}; any other item of
 * a stream is framed {@code data: ...\n\n} alone.
 */
public record ServerSentEvent(Optional<String> event, Object data) {
    public ServerSentEvent {
        Objects.requireNonNull(event, "event");
        event.ifPresent(name -> {
            if (name.isEmpty() || name.contains("\n") || name.contains("\r")) {
                throw new IllegalArgumentException("event: " + name + " (expected: a non-empty name on one line)");
            }
        });
    }

    public static ServerSentEvent named(String event, Object data) {
        return new ServerSentEvent(Optional.of(event), data);
    }
}
