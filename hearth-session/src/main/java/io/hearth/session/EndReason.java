package io.hearth.session;

/** Why a session ended, as APIs and metrics show it. */
public enum EndReason {
    IDLE_TIMEOUT("idle-timeout"),
    MAX_LIFETIME("max-lifetime"),
    STOPPED("stopped"),
    AGENT_EXITED("agent-exited"),
    OOM("oom"),
    UNHEALTHY("unhealthy"),
    START_FAILED("start-failed"),
    RUNTIME_DELETED("runtime-deleted"),
    SHUTDOWN("shutdown"),
    /** A budget of the session (wall clock, CPU, invocations, streamed bytes) was used up: docs/budgets.md. */
    BUDGET("budget"),
    /** It hibernated: not an end of the session, which resumes on its next call, but of its sandbox. */
    HIBERNATED("hibernated"),
    /** A hibernated session was deleted: its retention or its age ceiling passed, or its runtime version changed. */
    HIBERNATION_EXPIRED("hibernation-expired");

    private final String wireName;

    EndReason(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
