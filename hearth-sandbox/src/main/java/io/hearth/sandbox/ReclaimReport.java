package io.hearth.sandbox;

import java.util.List;

/** What start-up reconciliation found and removed, for the log. */
public record ReclaimReport(String driver, List<String> removed) {
    public ReclaimReport {
        removed = List.copyOf(removed);
    }

    public static ReclaimReport nothing(String driver) {
        return new ReclaimReport(driver, List.of());
    }
}
