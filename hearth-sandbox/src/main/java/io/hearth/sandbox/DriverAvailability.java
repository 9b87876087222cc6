package io.hearth.sandbox;

import static java.util.Objects.requireNonNull;

/**
 * Whether one driver can run on this host, and if not, why: for the start-up log and for {@code --isolation auto}.
 *
 * @param driver    the name operators choose it by
 * @param available true when the driver's checks passed on this host
 * @param reason    what was found: the tool versions when available, the missing piece when not
 */
public record DriverAvailability(String driver, boolean available, String reason) {
    public DriverAvailability {
        requireNonNull(driver, "driver");
        requireNonNull(reason, "reason");
        if (reason.isBlank()) {
            throw new IllegalArgumentException("reason: blank (expected: what was checked, for the log)");
        }
    }

    public static DriverAvailability yes(String driver, String reason) {
        return new DriverAvailability(driver, true, reason);
    }

    public static DriverAvailability no(String driver, String reason) {
        return new DriverAvailability(driver, false, reason);
    }
}
