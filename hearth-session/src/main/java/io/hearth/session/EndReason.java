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
    SHUTDOWN("shutdown");

    private final String wireName;

    EndReason(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
