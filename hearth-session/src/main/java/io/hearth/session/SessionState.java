package io.hearth.session;

/** Where a session is in its life: {@code PROVISIONING → ACTIVE ⇄ IDLE → TERMINATED}. */
public enum SessionState {
    PROVISIONING,
    /** A request is in flight, a stream is open, or the agent reports {@code HealthyBusy}. */
    ACTIVE,
    IDLE,
    TERMINATED
}
