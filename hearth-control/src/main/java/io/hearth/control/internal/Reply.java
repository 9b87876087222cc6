package io.hearth.control.internal;

import static java.util.Objects.requireNonNull;

/** A control-plane answer: the modeled success status and a JSON-serialisable body. */
record Reply(int status, Object body) {
    Reply {
        requireNonNull(body, "body");
    }

    static Reply ok(Object body) {
        return new Reply(200, body);
    }

    static Reply accepted(Object body) {
        return new Reply(202, body);
    }
}
