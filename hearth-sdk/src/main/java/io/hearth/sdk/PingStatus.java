package io.hearth.sdk;

/** What {@code GET /ping} reports: {@code HealthyBusy} keeps the runtime from ending an idle session. */
public enum PingStatus {
    HEALTHY("Healthy"),
    HEALTHY_BUSY("HealthyBusy");

    private final String wire;

    PingStatus(String wire) {
        this.wire = wire;
    }

    /** The status as {@code /ping} spells it. */
    public String wire() {
        return wire;
    }
}
