package io.hearth.cli.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** Times as the server writes them (epoch seconds or ISO-8601), and spans as people read them. */
public final class Times {
    private Times() {}

    public static Optional<Instant> of(JsonNode value) {
        if (value == null || value.isMissingNode() || value.isNull()) {
            return Optional.empty();
        }
        if (value.isNumber()) {
            return Optional.of(Instant.ofEpochMilli(Math.round(value.asDouble() * 1000)));
        }
        try {
            return Optional.of(Instant.parse(value.asString()));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** {@code 2026-12-01T01:02:03Z}, or {@code -}. */
    public static String instant(JsonNode value) {
        return of(value).map(t -> t.truncatedTo(ChronoUnit.SECONDS).toString()).orElse("-");
    }

    /** {@code 42s}, {@code 3m05s}, {@code 2h10m}, {@code 3d04h}. */
    public static String span(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format("%dm%02ds", s / 60, s % 60);
        }
        if (s < 86_400) {
            return String.format("%dh%02dm", s / 3600, s % 3600 / 60);
        }
        return String.format("%dd%02dh", s / 86_400, s % 86_400 / 3600);
    }
}
