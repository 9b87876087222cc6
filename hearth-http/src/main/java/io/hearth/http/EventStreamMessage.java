package io.hearth.http;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SequencedMap;
import java.util.zip.CRC32;

/**
 * One message of an AWS event stream ({@code application/vnd.amazon.eventstream}), the binary framing AWS uses for
 * streamed operation outputs: a 12-byte prelude (total length, headers length, the prelude's CRC32), headers, the
 * payload, and the CRC32 of everything before it. Every integer is big-endian. Headers here are strings (type 7),
 * the only kind a modeled event or exception needs.
 *
 * @param headers in the order they are written
 */
public record EventStreamMessage(SequencedMap<String, String> headers, byte[] payload) {
    /** The media type of a response made of these messages. */
    public static final String CONTENT_TYPE = "application/vnd.amazon.eventstream";
    /** The format's own bound on one message, prelude and CRCs included. */
    public static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    private static final int PRELUDE_BYTES = 12;
    private static final int CRC_BYTES = 4;
    private static final byte STRING_TYPE = 7;

    public EventStreamMessage {
        requireNonNull(headers, "headers");
        requireNonNull(payload, "payload");
        for (var header : headers.entrySet()) {
            int nameBytes = utf8(header.getKey()).length;
            if (nameBytes < 1 || nameBytes > 255) {
                throw new IllegalArgumentException("header name: " + header.getKey() + " (expected: 1 to 255 UTF-8 bytes)");
            }
            int valueBytes = utf8(requireNonNull(header.getValue(), header.getKey())).length;
            if (valueBytes > Short.MAX_VALUE) {
                throw new IllegalArgumentException("header " + header.getKey() + ": " + valueBytes
                        + " bytes (expected: at most " + Short.MAX_VALUE + " UTF-8 bytes)");
            }
        }
        headers = new LinkedHashMap<>(headers);
        payload = payload.clone();
    }

    /** A modeled event: {@code :event-type} names the member of the operation's event-stream union. */
    public static EventStreamMessage event(String eventType, String contentType, byte[] payload) {
        var headers = new LinkedHashMap<String, String>();
        headers.put(":message-type", "event");
        headers.put(":event-type", eventType);
        headers.put(":content-type", contentType);
        return new EventStreamMessage(headers, payload);
    }

    /** A modeled exception: {@code :exception-type} names the union's member, which the SDK raises as its error. */
    public static EventStreamMessage exception(String exceptionType, String contentType, byte[] payload) {
        var headers = new LinkedHashMap<String, String>();
        headers.put(":message-type", "exception");
        headers.put(":exception-type", exceptionType);
        headers.put(":content-type", contentType);
        return new EventStreamMessage(headers, payload);
    }

    @Override
    public SequencedMap<String, String> headers() {
        return new LinkedHashMap<>(headers);
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** The message's bytes on the wire, ready to read (position 0). */
    public ByteBuffer encode() {
        int headersLength = 0;
        var encoded = new LinkedHashMap<byte[], byte[]>();
        for (Map.Entry<String, String> header : headers.entrySet()) {
            byte[] name = utf8(header.getKey());
            byte[] value = utf8(header.getValue());
            encoded.put(name, value);
            headersLength += 1 + name.length + 1 + 2 + value.length;
        }
        long total = (long) PRELUDE_BYTES + headersLength + payload.length + CRC_BYTES;
        if (total > MAX_MESSAGE_BYTES) {
            throw new IllegalArgumentException("event stream message: " + total + " bytes (expected: at most "
                    + MAX_MESSAGE_BYTES + " bytes)");
        }
        ByteBuffer out = ByteBuffer.allocate((int) total);
        out.putInt((int) total).putInt(headersLength);
        out.putInt((int) crc(out.array(), 0, 8));
        for (var header : encoded.entrySet()) {
            out.put((byte) header.getKey().length).put(header.getKey());
            out.put(STRING_TYPE).putShort((short) header.getValue().length).put(header.getValue());
        }
        out.put(payload);
        out.putInt((int) crc(out.array(), 0, out.position()));
        return out.flip();
    }

    private static long crc(byte[] bytes, int offset, int length) {
        var crc = new CRC32();
        crc.update(bytes, offset, length);
        return crc.getValue();
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
