package io.hearth.router.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplayBufferTest {

    @Test
    void keepsTheNewestBytesAndCountsTheRest() {
        var buffer = new ReplayBuffer(10);
        add(buffer, "abcdef");
        add(buffer, "ghij");
        assertThat(buffer.dropped()).isZero();
        add(buffer, "klm");
        assertThat(buffer.dropped()).isEqualTo(3);
        assertThat(joined(buffer.drain())).isEqualTo("defghijklm");
        assertThat(buffer.dropped()).isZero();
        assertThat(buffer.drain()).isEmpty();
    }

    @Test
    void aChunkLargerThanTheBufferKeepsItsTail() {
        var buffer = new ReplayBuffer(4);
        add(buffer, "xy");
        add(buffer, "0123456789");
        assertThat(buffer.dropped()).isEqualTo(8);
        assertThat(joined(buffer.drain())).isEqualTo("6789");
    }

    @Test
    void aZeroBufferKeepsNothing() {
        var buffer = new ReplayBuffer(0);
        add(buffer, "abc");
        assertThat(buffer.dropped()).isEqualTo(3);
        assertThat(buffer.drain()).isEmpty();
    }

    private static void add(ReplayBuffer buffer, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        buffer.add(bytes, 0, bytes.length);
    }

    private static String joined(List<byte[]> chunks) {
        var out = new ByteArrayOutputStream();
        chunks.forEach(out::writeBytes);
        return out.toString(StandardCharsets.US_ASCII);
    }
}
