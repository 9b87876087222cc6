package io.hearth.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import software.amazon.eventstream.Message;
import software.amazon.eventstream.MessageDecoder;

class EventStreamMessageTest {

    @Test
    void anEventDecodesWithTheAwsDecoderFedByteByByte() {
        byte[] payload = "{\"chunk\":{\"contentDelta\":{\"stdout\":\"h\u00e9llo \u2603\"}}}".getBytes(StandardCharsets.UTF_8);
        ByteBuffer wire = EventStreamMessage.event("chunk", "application/json", payload).encode();

        List<Message> decoded = new ArrayList<>();
        var decoder = new MessageDecoder(decoded::add);
        while (wire.hasRemaining()) {
            decoder.feed(new byte[] {wire.get()});
        }

        assertThat(decoded).hasSize(1);
        Message message = decoded.getFirst();
        assertThat(message.getHeaders()).containsOnlyKeys(":message-type", ":event-type", ":content-type");
        assertThat(message.getHeaders().get(":message-type").getString()).isEqualTo("event");
        assertThat(message.getHeaders().get(":event-type").getString()).isEqualTo("chunk");
        assertThat(message.getHeaders().get(":content-type").getString()).isEqualTo("application/json");
        assertThat(message.getPayload()).isEqualTo(payload);
    }

    @Test
    void anExceptionCarriesItsTypeAndManyMessagesDecodeInOrder() {
        var out = ByteBuffer.allocate(1 << 20);
        out.put(EventStreamMessage.event("chunk", "application/json", "{}".getBytes(StandardCharsets.UTF_8)).encode());
        out.put(EventStreamMessage.exception("runtimeClientError", "application/json",
                "{\"message\":\"gone\"}".getBytes(StandardCharsets.UTF_8)).encode());
        out.put(EventStreamMessage.event("chunk", "application/json", new byte[0]).encode());

        List<Message> decoded = new MessageDecoder().feed(out.flip()).getDecodedMessages();

        assertThat(decoded).hasSize(3);
        assertThat(decoded.get(1).getHeaders().get(":message-type").getString()).isEqualTo("exception");
        assertThat(decoded.get(1).getHeaders().get(":exception-type").getString()).isEqualTo("runtimeClientError");
        assertThat(new String(decoded.get(1).getPayload(), StandardCharsets.UTF_8)).isEqualTo("{\"message\":\"gone\"}");
        assertThat(decoded.get(2).getPayload()).isEmpty();
    }

    @Test
    void thePreludeCountsEveryByteAndBothCrcsCoverWhatTheyShould() {
        byte[] payload = new byte[70_000];
        ByteBuffer wire = EventStreamMessage.event("chunk", "application/json", payload).encode();
        int headersLength = (1 + 13 + 1 + 2 + 5) + (1 + 11 + 1 + 2 + 5) + (1 + 13 + 1 + 2 + 16);

        assertThat(wire.getInt(0)).isEqualTo(wire.remaining()).isEqualTo(12 + headersLength + payload.length + 4);
        assertThat(wire.getInt(4)).isEqualTo(headersLength);
        assertThat(Integer.toUnsignedLong(wire.getInt(8))).isEqualTo(crc(wire, 0, 8));
        assertThat(Integer.toUnsignedLong(wire.getInt(wire.limit() - 4))).isEqualTo(crc(wire, 0, wire.limit() - 4));
    }

    @Test
    void theAwsDecoderRefusesACorruptedPayload() {
        ByteBuffer wire = EventStreamMessage.event("chunk", "application/json", "{}".getBytes(StandardCharsets.UTF_8)).encode();
        wire.put(wire.limit() - 5, (byte) '!');

        assertThatThrownBy(() -> new MessageDecoder().feed(wire)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesHeadersTheFormatCannotCarry() {
        var headers = new LinkedHashMap<String, String>();
        headers.put("x".repeat(256), "v");
        assertThatThrownBy(() -> new EventStreamMessage(headers, new byte[0]))
                .hasMessageContaining("expected: 1 to 255 UTF-8 bytes");
        assertThatThrownBy(() -> EventStreamMessage.event("chunk", "v".repeat(40_000), new byte[0]))
                .hasMessageContaining("expected: at most 32767 UTF-8 bytes");
    }

    private static long crc(ByteBuffer buffer, int from, int to) {
        var crc = new CRC32();
        crc.update(buffer.array(), from, to - from);
        return crc.getValue();
    }
}
