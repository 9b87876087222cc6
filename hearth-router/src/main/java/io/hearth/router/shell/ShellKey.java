package io.hearth.router.shell;

import static java.util.Objects.requireNonNull;

import io.hearth.session.SessionKey;

/** A shell is named by its session (runtime, endpoint, owner, session id) and the client's shell id. */
record ShellKey(SessionKey session, ShellId id) {
    ShellKey {
        requireNonNull(session, "session");
        requireNonNull(id, "id");
    }
}
