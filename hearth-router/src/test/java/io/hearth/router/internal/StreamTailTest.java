package io.hearth.router.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StreamTailTest {
    private static final String STREAM = "0123456789abcdef";

    /** Appends {@code count} events of the form "data: <n>" as one piece each. */
    private static void events(StreamTail tail, SseEvents events, int from, int count) {
        for (int n = from; n < from + count; n++) {
            tail.append(events.feed(ByteBuffer.wrap(("data: " + n + "\n\n").getBytes(StandardCharsets.UTF_8))));
        }
    }

    private static String readAll(StreamTail tail, long from) {
        var text = new StringBuilder();
        while (from < tail.end()) {
            ByteBuffer slice = tail.read(from, 7);
            from += slice.remaining();
            text.append(StandardCharsets.UTF_8.decode(slice));
        }
        return text.toString();
    }

    @Test
    void replaysFromTheEndOfAnyHeldEvent() {
        var tail = new StreamTail(1 << 20);
        var events = new SseEvents(STREAM);
        events(tail, events, 0, 5);
        assertThat(tail.lastSeq()).isEqualTo(5);
        assertThat(readAll(tail, tail.resumeOffset(0).orElseThrow())).startsWith("data: 0\n");
        assertThat(readAll(tail, tail.resumeOffset(3).orElseThrow()))
                .isEqualTo("data: 3\nid: " + STREAM + ".4\n\ndata: 4\nid: " + STREAM + ".5\n\n");
        assertThat(tail.resumeOffset(5)).hasValue(tail.end());
        assertThat(tail.resumeOffset(6)).isEmpty(); // not sent yet
    }

    @Test
    void attachedItKeepsOnlyAboutItsBoundOfWhatWasDelivered() {
        var tail = new StreamTail(100);
        var events = new SseEvents(STREAM);
        events(tail, events, 0, 20); // about 30 bytes each
        tail.evict(tail.end());
        assertThat(tail.size()).isLessThanOrEqualTo(100);
        assertThat(tail.resumeOffset(0)).isEmpty();
        assertThat(tail.resumeOffset(10)).isEmpty();
        assertThat(tail.resumeOffset(20)).hasValue(tail.end());
        long first = tail.firstResumableSeq();
        assertThat(first).isBetween(16L, 19L);
        assertThat(readAll(tail, tail.resumeOffset(first).orElseThrow())).startsWith("data: " + first + "\n");
        assertThat(tail.resumeOffset(first - 1)).isEmpty();
    }

    @Test
    void neverEvictsWhatTheCallerHasNotBeenSent() {
        var tail = new StreamTail(50);
        var events = new SseEvents(STREAM);
        events(tail, events, 0, 10);
        long delivered = tail.resumeOffset(2).orElseThrow();
        tail.evict(delivered);
        assertThat(tail.resumeOffset(2)).hasValue(delivered);
        assertThat(tail.start()).isLessThanOrEqualTo(delivered);
        assertThat(tail.full()).isTrue();
    }

    @Test
    void anEventLargerThanTheBoundCannotBeReplayedButWhatFollowsIt() {
        var tail = new StreamTail(100);
        var events = new SseEvents(STREAM);
        events(tail, events, 0, 1);
        tail.append(events.feed(ByteBuffer.wrap(("data: " + "x".repeat(500) + "\n\n").getBytes(StandardCharsets.UTF_8))));
        events(tail, events, 2, 1);
        tail.evict(tail.end());
        assertThat(tail.resumeOffset(1)).isEmpty();
        assertThat(tail.resumeOffset(2)).isPresent();
        assertThat(tail.oversized(2)).isTrue();
        assertThat(tail.oversized(1)).isFalse();
    }

    @Test
    void readsCoalesceSmallPiecesUpToTheLimit() {
        var tail = new StreamTail(1 << 20);
        var events = new SseEvents(STREAM);
        events(tail, events, 0, 50);
        ByteBuffer slice = tail.read(0, 1000);
        assertThat(slice.remaining()).isEqualTo(1000);
        ByteBuffer middle = tail.read(4, 3);
        assertThat(StandardCharsets.UTF_8.decode(middle).toString()).isEqualTo(": 0");
    }
}
