package io.hearth.control;

import static java.util.Objects.requireNonNull;

/** A control-plane answer: the modeled success status and a JSON-serialisable body; the edge writes it. */
public record ControlReply(int status, Object body) {
    public ControlReply {
        requireNonNull(body, "body");
        if (status != 200 && status != 202) {
            throw new IllegalArgumentException("status: " + status + " (expected: 200 or 202)");
        }
    }

    public static ControlReply ok(Object body) {
        return new ControlReply(200, body);
    }

    public static ControlReply accepted(Object body) {
        return new ControlReply(202, body);
    }
}
