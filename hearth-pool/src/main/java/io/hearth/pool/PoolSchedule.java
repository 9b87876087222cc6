package io.hearth.pool;

import static java.util.Objects.requireNonNull;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * A recurring pre-warm: at each time {@code cron} fires (standard five-field Unix cron, evaluated in UTC), keep
 * {@code size} sandboxes ready for {@code durationSeconds}. Example: {@code "55 8 * * MON-FRI"}, 50, 1200.
 */
public record PoolSchedule(String cron, int size, long durationSeconds) {
    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    public PoolSchedule {
        requireNonNull(cron, "cron");
        parse(cron);
        if (size < 1 || size > 10_000) {
            throw new IllegalArgumentException("size: " + size + " (expected: 1 to 10000)");
        }
        if (durationSeconds < 1 || durationSeconds > Duration.ofDays(1).toSeconds()) {
            throw new IllegalArgumentException("durationSeconds: " + durationSeconds + " (expected: 1 to 86400)");
        }
    }

    /** Whether a window of this schedule covers {@code now}: the last firing at or before now began less than the duration ago. */
    public boolean activeAt(Instant now) {
        ZonedDateTime at = now.atZone(ZoneOffset.UTC);
        ExecutionTime times = ExecutionTime.forCron(parse(cron));
        // Asking just after now makes a firing at exactly now count: the window opens on the minute.
        Optional<ZonedDateTime> last = times.lastExecution(at.plusSeconds(1));
        return last.map(fired -> Duration.between(fired.toInstant(), now).getSeconds() < durationSeconds).orElse(false);
    }

    private static Cron parse(String cron) {
        try {
            return PARSER.parse(cron).validate();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cron: " + cron + " (expected: five fields, minute hour day-of-month month"
                    + " day-of-week, e.g. \"55 8 * * MON-FRI\"): " + e.getMessage(), e);
        }
    }
}
