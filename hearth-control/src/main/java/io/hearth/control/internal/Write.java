package io.hearth.control.internal;

import io.hearth.control.ControlReply;
import static java.util.Objects.requireNonNull;

/**
 * What a control-plane write answers, and what it starts once its transaction has committed (resolving a version,
 * telling listeners, removing files): work that must not run for a write that rolled back.
 */
record Write(ControlReply reply, Runnable afterCommit) {
    Write {
        requireNonNull(reply, "reply");
        requireNonNull(afterCommit, "afterCommit");
    }

    static Write of(ControlReply reply) {
        return new Write(reply, () -> {});
    }
}
