package io.hearth.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class PoolScheduleTest {
    // 2026-11-23 is a Monday.
    private final PoolSchedule weekdayMorning = new PoolSchedule("55 8 * * MON-FRI", 50, 1_200);

    @Test
    void aWindowOpensWhenTheCronFiresAndClosesAfterItsDuration() {
        assertThat(weekdayMorning.activeAt(Instant.parse("2026-11-23T08:54:59Z"))).isFalse();
        assertThat(weekdayMorning.activeAt(Instant.parse("2026-11-23T08:55:00Z"))).isTrue();
        assertThat(weekdayMorning.activeAt(Instant.parse("2026-11-23T09:14:59Z"))).isTrue();
        assertThat(weekdayMorning.activeAt(Instant.parse("2026-11-23T09:15:00Z"))).isFalse();
    }

    @Test
    void dayOfWeekFieldsAreHonoured() {
        assertThat(weekdayMorning.activeAt(Instant.parse("2026-11-28T09:00:00Z"))).as("Saturday").isFalse();
        assertThat(weekdayMorning.activeAt(Instant.parse("2026-11-27T09:00:00Z"))).as("Friday").isTrue();
    }

    @Test
    void badInputIsRefusedWithTheValueAndWhatWasExpected() {
        assertThatThrownBy(() -> new PoolSchedule("every morning", 5, 60))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("every morning").hasMessageContaining("five fields");
        assertThatThrownBy(() -> new PoolSchedule("55 8 * * *", 0, 60)).hasMessageContaining("size: 0");
        assertThatThrownBy(() -> new PoolSchedule("55 8 * * *", 1, 0)).hasMessageContaining("durationSeconds: 0");
    }
}
