package io.hearth.session;

/**
 * Where a session is in its life: {@code PROVISIONING → ACTIVE ⇄ IDLE → TERMINATED}, or with hibernation
 * {@code IDLE → HIBERNATING → HIBERNATED → PROVISIONING} (resumed on its next call).
 */
public enum SessionState {
    PROVISIONING,
    /** A request is in flight, a stream is open, or the agent reports {@code HealthyBusy}. */
    ACTIVE,
    IDLE,
    /** Its sandbox is being saved; a request waits, then resumes it. */
    HIBERNATING,
    /** Saved to disk: no sandbox, no CPU, no memory; the next request resumes it. */
    HIBERNATED,
    TERMINATED
}
