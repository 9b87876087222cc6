package io.hearth.bench;

/** How a row came out against its target. */
public enum Verdict {
    MET("yes"),
    MISSED("NO"),
    /** A context row with no target. */
    INFO("—"),
    /** Not measured on this run; the row's note says why. */
    SKIPPED("skipped");

    private final String label;

    Verdict(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
