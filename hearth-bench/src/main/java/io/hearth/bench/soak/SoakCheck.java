package io.hearth.bench.soak;

import static java.util.Objects.requireNonNull;

/**
 * One thing the soak's verdict requires, with what was seen and what was allowed, as the report shows it.
 *
 * @param what     the series or condition, such as {@code open fds}
 * @param observed what the run showed, such as {@code 212 → 214}
 * @param allowed  the bound it is held to, such as {@code ≤ 228 (first + max(16, 10%))}
 * @param passed   whether it held
 */
public record SoakCheck(String what, String observed, String allowed, boolean passed) {
    public SoakCheck {
        requireNonNull(what, "what");
        requireNonNull(observed, "observed");
        requireNonNull(allowed, "allowed");
    }
}
