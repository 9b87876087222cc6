package io.hearth.quota.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hearth.quota.RateLimit;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimitersTest {
    private static final Duration IDLE = Duration.ofMinutes(5);
    /** Two tokens, one more every ten minutes: a drained bucket is still not full after the idle time. */
    private static final RateLimit SLOW = new RateLimit(1, Duration.ofMinutes(10), 2);

    private final AtomicLong now = new AtomicLong(1_000);

    @Test
    void fullBucketsIdleForTheIdleTimeAreForgottenAndOthersKept() {
        var limiters = RateLimiters.<String>evicting(now::get, IDLE, 1_000);
        for (int i = 0; i < 500; i++) {
            assertThat(limiters.tryTake("visitor-" + i, RateLimit.perSecond(10, 10))).isTrue();
        }
        assertThat(limiters.tryTake("drained", SLOW)).isTrue();
        assertThat(limiters.tryTake("drained", SLOW)).isTrue();
        assertThat(limiters.tryTake("drained", SLOW)).isFalse();
        assertThat(limiters.size()).isEqualTo(501);

        advance(IDLE.minusSeconds(1));
        assertThat(limiters.tryTake("recent", SLOW)).isTrue();
        assertThat(limiters.size()).as("nothing idle long enough yet").isEqualTo(502);

        advance(Duration.ofSeconds(2));
        limiters.tryTake("trigger", RateLimit.perSecond(10, 10));
        // The visitors' buckets refilled long ago; the drained one is still owed, the recent one still in use.
        assertThat(limiters.all().keySet()).containsExactlyInAnyOrder("drained", "recent", "trigger");

        // The drained key did not start afresh: it still waits for its refill.
        assertThat(limiters.tryTake("drained", SLOW)).isFalse();
        advance(Duration.ofMinutes(5));
        assertThat(limiters.tryTake("drained", SLOW)).isTrue();
    }

    @Test
    void pastTheBoundTheLongestIdleGoFirstWhateverTheyHold() {
        var limiters = RateLimiters.<String>evicting(now::get, IDLE, 100);
        for (int i = 0; i < 100; i++) {
            limiters.tryTake("key-" + i, SLOW);
            advance(Duration.ofMillis(1));
        }
        assertThat(limiters.size()).isEqualTo(100);
        limiters.tryTake("one-too-many", SLOW);
        assertThat(limiters.size()).isEqualTo(90);
        assertThat(limiters.all()).containsKey("one-too-many").containsKey("key-99").doesNotContainKey("key-0")
                .doesNotContainKey("key-10").containsKey("key-11");
    }

    @Test
    void limitersWithoutEvictionKeepEveryBucket() {
        var limiters = new RateLimiters<String>(now::get);
        limiters.tryTake("a", RateLimit.perSecond(1, 1));
        advance(Duration.ofDays(1));
        limiters.tryTake("b", RateLimit.perSecond(1, 1));
        assertThat(limiters.all().keySet()).containsExactlyInAnyOrder("a", "b");
    }

    private void advance(Duration by) {
        now.addAndGet(by.toNanos());
    }
}
