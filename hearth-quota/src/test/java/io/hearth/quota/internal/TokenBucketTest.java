package io.hearth.quota.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenBucketTest {
    private static final long SECOND = Duration.ofSeconds(1).toNanos();
    private final AtomicLong now = new AtomicLong(1_000);

    @Test
    void aFullBucketGivesExactlyItsBurstThenNothing() {
        var bucket = new TokenBucket(25, SECOND, 50, now::get);
        assertThat(takeAll(bucket)).isEqualTo(50);
        assertThat(bucket.tryTake()).isFalse();
        assertThat(bucket.available()).isZero();
    }

    @Test
    void itRefillsAtItsRateAndNeverBeyondItsBurst() {
        var bucket = new TokenBucket(25, SECOND, 50, now::get);
        takeAll(bucket);
        now.addAndGet(SECOND / 25 - 1);
        assertThat(bucket.tryTake()).as("one nanosecond short of a token").isFalse();
        now.addAndGet(1);
        assertThat(bucket.tryTake()).isTrue();
        assertThat(bucket.tryTake()).isFalse();
        now.addAndGet(SECOND);
        assertThat(takeAll(bucket)).as("a second later: 25 more").isEqualTo(25);
        now.addAndGet(Duration.ofDays(365).toNanos());
        assertThat(takeAll(bucket)).as("idle for a year: the burst, not more").isEqualTo(50);
    }

    @Test
    void aPerMinuteRateRefillsOneTokenPerSixHundredMillisAtAHundredAMinute() {
        var bucket = new TokenBucket(100, Duration.ofMinutes(1).toNanos(), 100, now::get);
        assertThat(takeAll(bucket)).isEqualTo(100);
        now.addAndGet(Duration.ofMillis(599).toNanos());
        assertThat(bucket.tryTake()).isFalse();
        now.addAndGet(Duration.ofMillis(1).toNanos());
        assertThat(bucket.tryTake()).isTrue();
    }

    @Test
    void aBurstAboveTheRateIsAllowedOnceThenTheRateHolds() {
        var bucket = new TokenBucket(10, SECOND, 30, now::get);
        int taken = 0;
        for (int tick = 0; tick < 100; tick++) { // 10 s in 100 ms steps, taking everything each step
            taken += takeAll(bucket);
            now.addAndGet(SECOND / 10);
        }
        assertThat(taken).as("burst 30 + 10/s over 9.9 s").isEqualTo(30 + 99);
    }

    @Test
    void manyThreadsTogetherNeverTakeMoreThanTheLimitAndNeverWait() throws Exception {
        var bucket = new TokenBucket(1_000, SECOND, 500, System::nanoTime);
        var taken = new AtomicInteger();
        var start = new CountDownLatch(1);
        var slow = new AtomicInteger();
        var calls = new AtomicInteger();
        var threads = new ArrayList<Thread>();
        long began = System.nanoTime();
        for (int t = 0; t < 16; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 20_000; i++) {
                    long before = System.nanoTime();
                    if (bucket.tryTake()) {
                        taken.incrementAndGet();
                    }
                    calls.incrementAndGet();
                    if (System.nanoTime() - before > 1_000_000) {
                        slow.incrementAndGet();
                    }
                }
            }));
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        long elapsed = System.nanoTime() - began;
        long allowed = 500 + elapsed * 1_000 / SECOND + 1;
        assertThat(taken.get()).as("taken in %d ms", elapsed / 1_000_000).isBetween(500, (int) allowed);
        // Lock-free: a call is only slow when its thread is descheduled (16 threads on however few cores), never
        // because it waits for another.
        assertThat(slow.get()).as("calls over 1 ms of %d", calls.get()).isLessThan(calls.get() / 100);
    }

    @Test
    void badShapesAreRefusedWithTheValue() {
        assertThatThrownBy(() -> new TokenBucket(0, SECOND, 1, now::get)).hasMessageContaining("permits: 0");
        assertThatThrownBy(() -> new TokenBucket(1, SECOND, 0, now::get)).hasMessageContaining("burst: 0");
    }

    private static int takeAll(TokenBucket bucket) {
        int n = 0;
        while (bucket.tryTake()) {
            n++;
        }
        return n;
    }
}
