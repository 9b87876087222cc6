package io.hearth.router.internal;

import io.hearth.api.ApiException;
import io.hearth.api.FieldError;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A reattaching caller's {@code Last-Event-ID}: the stream and the last event of it the caller has. */
record LastEventId(String stream, long seq) {
    static final String HEADER = "Last-Event-ID";
    private static final Pattern FORM = Pattern.compile("([0-9a-f]{16})\\.(0|[1-9][0-9]{0,17})");

    LastEventId {
        if (!stream.matches("[0-9a-f]{16}") || seq < 0) {
            throw new IllegalArgumentException("stream: " + stream + ", seq: " + seq + " (expected: 16 hex digits, 0 or more)");
        }
    }

    static LastEventId parse(String value) {
        Matcher matcher = FORM.matcher(value == null ? "" : value.strip());
        if (!matcher.matches()) {
            String message = HEADER + ": " + value + " (expected: <stream>.<seq> as Hearth numbers events, 16 hex digits,"
                    + " a dot and a decimal number, e.g. 3f2a9c0d11b7e845.12)";
            throw ApiException.validation(message, new FieldError("lastEventId", message));
        }
        return new LastEventId(matcher.group(1), Long.parseLong(matcher.group(2)));
    }

    @Override
    public String toString() {
        return stream + "." + seq;
    }
}
