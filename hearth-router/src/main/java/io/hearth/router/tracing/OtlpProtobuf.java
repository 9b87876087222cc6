package io.hearth.router.tracing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * An {@code ExportTraceServiceRequest} in OTLP's protobuf encoding, written by hand: the few messages and fields
 * of opentelemetry-proto's {@code trace/v1} that Hearth's spans use, with their field numbers.
 */
final class OtlpProtobuf {
    private static final int VARINT = 0;
    private static final int FIXED64 = 1;
    private static final int LENGTH_DELIMITED = 2;

    private OtlpProtobuf() {}

    static byte[] request(List<InvocationTrace> traces, String serviceName) {
        var scopeSpans = new Message();
        scopeSpans.message(1, new Message().string(1, "io.hearth.router")); // InstrumentationScope scope = 1
        for (InvocationTrace trace : traces) {
            for (SpanRecord span : trace.spans()) {
                scopeSpans.message(2, span(span)); // repeated Span spans = 2
            }
        }
        var resource = new Message().message(1, keyValue("service.name", serviceName)); // Resource.attributes = 1
        var resourceSpans = new Message().message(1, resource).message(2, scopeSpans);
        return new Message().message(1, resourceSpans).bytes(); // ExportTraceServiceRequest.resource_spans = 1
    }

    private static Message span(SpanRecord span) {
        var message = new Message()
                .raw(1, HexFormat.of().parseHex(span.traceId()))
                .raw(2, HexFormat.of().parseHex(span.spanId()));
        span.parentSpanId().ifPresent(p -> message.raw(4, HexFormat.of().parseHex(p)));
        message.string(5, span.name())
                .varint(6, span.kind().otlp())
                .fixed64(7, span.startEpochNanos())
                .fixed64(8, span.endEpochNanos());
        for (Map.Entry<String, String> attribute : span.attributes().entrySet()) {
            message.message(9, keyValue(attribute.getKey(), attribute.getValue()));
        }
        var status = new Message();
        span.error().ifPresent(e -> status.string(2, e));
        status.varint(3, span.error().isPresent() ? 2 : 1); // STATUS_CODE_ERROR, STATUS_CODE_OK
        return message.message(15, status);
    }

    private static Message keyValue(String key, String value) {
        return new Message().string(1, key).message(2, new Message().string(1, value)); // AnyValue.string_value = 1
    }

    /** One message's fields, in the order written. */
    private static final class Message {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Message varint(int field, long value) {
            tag(field, VARINT);
            writeVarint(value);
            return this;
        }

        Message fixed64(int field, long value) {
            tag(field, FIXED64);
            for (int i = 0; i < 8; i++) {
                out.write((int) (value >>> (8 * i)) & 0xff);
            }
            return this;
        }

        Message string(int field, String value) {
            return raw(field, value.getBytes(StandardCharsets.UTF_8));
        }

        Message message(int field, Message value) {
            return raw(field, value.bytes());
        }

        Message raw(int field, byte[] value) {
            tag(field, LENGTH_DELIMITED);
            writeVarint(value.length);
            out.writeBytes(value);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }

        private void tag(int field, int wireType) {
            writeVarint(((long) field << 3) | wireType);
        }

        private void writeVarint(long value) {
            while ((value & ~0x7FL) != 0) {
                out.write((int) ((value & 0x7F) | 0x80));
                value >>>= 7;
            }
            out.write((int) value);
        }
    }
}
