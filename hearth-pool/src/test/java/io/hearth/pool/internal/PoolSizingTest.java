package io.hearth.pool.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hearth.pool.PoolConfig;
import io.hearth.pool.PoolSchedule;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PoolSizingTest {
    private static final Instant NOON = Instant.parse("2026-11-23T12:00:00Z");
    private static final Duration COLD = Duration.ofMillis(400);

    @Test
    void withoutArrivalsThePoolHoldsItsMinimum() {
        var target = PoolSizing.target(PoolConfig.of(2, 10), NOON, List.of(), 0, COLD);
        assertThat(target.size()).isEqualTo(2);
        assertThat(target.reason()).contains("minIdle");
    }

    @Test
    void aSteadyStreamIsPredictedFromASyntheticArrivalTrace() {
        // 5 new sessions per second for a minute, evenly spaced.
        var rate = new ArrivalRate(Duration.ofMinutes(1));
        for (int i = 0; i < 300; i++) {
            rate.record(NOON.minusSeconds(60).plusMillis(200L * i));
        }
        double perSecond = rate.perSecond(NOON);
        assertThat(perSecond).isCloseTo(5.0, org.assertj.core.data.Offset.offset(0.1));

        // 5/s over a 400 ms cold start: 2 expected, plus two standard deviations (2.83), rounded up to 5.
        var target = PoolSizing.target(PoolConfig.of(0, 20), NOON, List.of(), perSecond, COLD);
        assertThat(target.size()).isEqualTo(5);
        assertThat(target.reason()).contains("predicted");

        assertThat(PoolSizing.target(PoolConfig.of(0, 3), NOON, List.of(), perSecond, COLD).size())
                .as("bounded by maxIdle").isEqualTo(3);
        assertThat(PoolSizing.target(new PoolConfig(0, 20, 3600, false, List.of()), NOON, List.of(), perSecond, COLD).size())
                .as("prediction switched off").isZero();
    }

    @Test
    void aTraceThatStopsDecaysOutOfTheWindow() {
        var rate = new ArrivalRate(Duration.ofMinutes(1));
        for (int i = 0; i < 100; i++) {
            rate.record(NOON.plusMillis(100L * i));
        }
        assertThat(rate.perSecond(NOON.plusSeconds(10))).isGreaterThan(1.0);
        assertThat(rate.perSecond(NOON.plusSeconds(75))).isZero();
    }

    @Test
    void slowerColdStartsNeedMoreSandboxes() {
        int fast = PoolSizing.target(PoolConfig.of(0, 100), NOON, List.of(), 10, Duration.ofMillis(100)).size();
        int slow = PoolSizing.target(PoolConfig.of(0, 100), NOON, List.of(), 10, Duration.ofSeconds(2)).size();
        assertThat(slow).isGreaterThan(fast);
    }

    @Test
    void explicitPreWarmsAndSchedulesMayExceedMaxIdle() {
        var config = new PoolConfig(1, 2, 3600, true, List.of(new PoolSchedule("0 12 * * *", 8, 600)));
        assertThat(PoolSizing.target(config, NOON.plusSeconds(30), List.of(), 0, COLD).size()).isEqualTo(8);
        assertThat(PoolSizing.target(config, NOON.plusSeconds(601), List.of(), 0, COLD).size()).isEqualTo(1);

        var window = new PoolSizing.WarmWindow(12, NOON.plusSeconds(60));
        var target = PoolSizing.target(config, NOON.plusSeconds(30), List.of(window), 0, COLD);
        assertThat(target.size()).isEqualTo(12);
        assertThat(target.reason()).contains("pre-warm");
        assertThat(PoolSizing.target(config, NOON.plusSeconds(60), List.of(window), 0, COLD).size())
                .as("the window has closed, the schedule still runs").isEqualTo(8);
    }
}
