package io.hearth.router.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseEventsTest {
    private static final String STREAM = "0123456789abcdef";

    /** What the caller receives for {@code chunks}, and the offsets where each numbered event ends. */
    private record Relayed(String text, List<Long> seqs, List<Long> ends) {}

    private static Relayed relay(String... chunks) {
        var events = new SseEvents(STREAM);
        var out = new ByteArrayOutputStream();
        var seqs = new ArrayList<Long>();
        var ends = new ArrayList<Long>();
        for (String chunk : chunks) {
            collect(events.feed(ByteBuffer.wrap(chunk.getBytes(StandardCharsets.UTF_8))), out, seqs, ends);
        }
        collect(events.finish(), out, seqs, ends);
        return new Relayed(out.toString(StandardCharsets.UTF_8), seqs, ends);
    }

    private static void collect(SseEvents.Piece piece, ByteArrayOutputStream out, List<Long> seqs, List<Long> ends) {
        out.writeBytes(piece.bytes());
        for (int i = 0; i < piece.ends().length; i++) {
            seqs.add(piece.firstSeq() + i);
            ends.add(piece.ends()[i]);
        }
    }

    @Test
    void numbersEachEventBeforeTheBlankLineThatEndsIt() {
        var relayed = relay("data: a\n\ndata: b\n\n");
        assertThat(relayed.text()).isEqualTo("data: a\nid: " + STREAM + ".1\n\ndata: b\nid: " + STREAM + ".2\n\n");
        assertThat(relayed.seqs()).containsExactly(1L, 2L);
        int firstEnd = ("data: a\nid: " + STREAM + ".1\n\n").length();
        assertThat(relayed.ends()).containsExactly((long) firstEnd, (long) relayed.text().length());
    }

    @Test
    void eventsSplitAcrossChunksAnywhereComeOutTheSame() {
        String stream = "event: x\r\ndata: one\r\ndata: two\r\n\r\n: keep-alive\n\nid: 7\ndata: three\n\ndata: four\r\r";
        String whole = relay(stream).text();
        for (int cut = 1; cut < stream.length(); cut++) {
            for (int second = cut + 1; second <= stream.length(); second += 3) {
                var split = relay(stream.substring(0, cut), stream.substring(cut, second), stream.substring(second));
                assertThat(split.text()).as("cut at %d and %d", cut, second).isEqualTo(whole);
                assertThat(split.ends()).isEqualTo(relay(stream).ends());
            }
        }
    }

    @Test
    void crlfEventsGetACrlfIdLineAndEndAfterTheirLf() {
        var relayed = relay("data: a\r\n", "\r", "\n");
        assertThat(relayed.text()).isEqualTo("data: a\r\nid: " + STREAM + ".1\r\n\r\n");
        assertThat(relayed.ends()).containsExactly((long) relayed.text().length());
    }

    @Test
    void bareCrEndsLinesToo() {
        var relayed = relay("data: a\r\rdata: b\r", "\r");
        assertThat(relayed.text()).isEqualTo("data: a\rid: " + STREAM + ".1\r\rdata: b\rid: " + STREAM + ".2\r\r");
        assertThat(relayed.seqs()).containsExactly(1L, 2L);
    }

    @Test
    void commentOnlyBlocksPassUnnumbered() {
        var relayed = relay(": ping\n\n:another\n\ndata: x\n\n");
        assertThat(relayed.text()).isEqualTo(": ping\n\n:another\n\ndata: x\nid: " + STREAM + ".1\n\n");
        assertThat(relayed.seqs()).containsExactly(1L);
    }

    @Test
    void multiLineDataIsOneEvent() {
        var relayed = relay("data: line 1\ndata: line 2\n: note\ndata: line 3\n\n");
        assertThat(relayed.text()).isEqualTo("data: line 1\ndata: line 2\n: note\ndata: line 3\nid: " + STREAM + ".1\n\n");
        assertThat(relayed.seqs()).containsExactly(1L);
    }

    @Test
    void theAgentsOwnIdBecomesAgentIdSoOnlyHearthsCounts() {
        var relayed = relay("i", "d: 42\ndata: x\n\nid\ndata: y\n\nidea: z\ndata: w\n\n");
        assertThat(relayed.text()).isEqualTo("agent-id: 42\ndata: x\nid: " + STREAM + ".1\n\n"
                + "agent-id\ndata: y\nid: " + STREAM + ".2\n\n"
                + "idea: z\ndata: w\nid: " + STREAM + ".3\n\n");
    }

    @Test
    void extraBlankLinesAndAnUnfinishedLastEventPassAsTheyAre() {
        var relayed = relay("\n\ndata: a\n\n\n\ndata: cut");
        assertThat(relayed.text()).isEqualTo("\n\ndata: a\nid: " + STREAM + ".1\n\n\n\ndata: cut");
        assertThat(relayed.seqs()).containsExactly(1L);
    }

    @Test
    void aLargeEventStreamsThroughWithoutBeingHeld() {
        var events = new SseEvents(STREAM);
        String big = "x".repeat(1 << 16);
        var first = events.feed(ByteBuffer.wrap(("data: " + big).getBytes(StandardCharsets.UTF_8)));
        // Its bytes come out at once, before the event has ended.
        assertThat(first.bytes().length).isEqualTo(6 + big.length());
        assertThat(first.ends()).isEmpty();
        var rest = events.feed(ByteBuffer.wrap("\n\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(rest.ends()).hasSize(1);
    }
}
