package io.hearth.sdk.internal;

import java.util.Map;

/** {@code {"error": message}}: the body the official SDKs answer a failed invocation with. */
public final class ErrorBody {
    private ErrorBody() {}

    public static Map<String, String> of(String message) {
        return Map.of("error", message);
    }

    /** The message an exception is reported with: its own, else its type's name. */
    public static String messageOf(Throwable failure) {
        String message = failure.getMessage();
        return message != null ? message : failure.getClass().getSimpleName();
    }
}
