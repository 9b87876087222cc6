package io.hearth.control.internal;

import static java.util.Objects.requireNonNull;

/**
 * What a control-plane write answers, and what it starts once its transaction has committed (resolving a version,
 * telling listeners, removing files): work that must not run for a write that rolled back.
 */
record Write(Reply reply, Runnable afterCommit) {
    Write {
        requireNonNull(reply, "reply");
        requireNonNull(afterCommit, "afterCommit");
    }

    static Write of(Reply reply) {
        return new Write(reply, () -> {});
    }
}
