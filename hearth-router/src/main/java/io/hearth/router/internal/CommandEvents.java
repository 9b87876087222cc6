package io.hearth.router.internal;

import io.hearth.api.ApiException;
import io.hearth.api.ErrorType;
import io.hearth.api.Json;
import io.hearth.http.EventStreamMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The messages of InvokeAgentRuntimeCommand's output stream, as the AgentCore model names them: {@code chunk} events
 * whose JSON payload holds one of {@code contentStart}, {@code contentDelta} ({@code stdout} or {@code stderr}
 * text) and {@code contentStop} ({@code exitCode}, {@code status}), and the stream's modeled exceptions.
 */
public final class CommandEvents {
    /** The most JSON one event carries, so a caller never has to hold a large event to decode it. */
    public static final int MAX_PAYLOAD_BYTES = 64 * 1024;
    private static final String CHUNK = "chunk";
    private static final String JSON = "application/json";

    private CommandEvents() {}

    /** How a command ended. */
    public enum Status { COMPLETED, TIMED_OUT }

    /** Which of the program's outputs a delta carries. */
    public enum Output {
        STDOUT("stdout"), STDERR("stderr");

        private final String member;

        Output(String member) {
            this.member = member;
        }

        public String member() {
            return member;
        }
    }

    public static EventStreamMessage start() {
        return chunk(Map.of("contentStart", Map.of()));
    }

    /** One or more deltas carrying {@code text} in order, each payload within {@link #MAX_PAYLOAD_BYTES}. */
    public static List<EventStreamMessage> deltas(Output output, String text) {
        var messages = new ArrayList<EventStreamMessage>();
        addDeltas(output, text, messages);
        return messages;
    }

    public static EventStreamMessage stop(int exitCode, Status status) {
        return chunk(Map.of("contentStop", Map.of("exitCode", exitCode, "status", status.name())));
    }

    /**
     * A failure once the stream has begun. The stream's union models {@code runtimeClientError} for what went wrong
     * in the session and {@code internalServerException} for Hearth's own faults; the SDK raises either as its error.
     */
    public static EventStreamMessage exception(ApiException error) {
        String member = error.type() == ErrorType.RUNTIME_CLIENT_ERROR ? "runtimeClientError" : "internalServerException";
        return EventStreamMessage.exception(member, JSON, Json.write(Map.of("message", error.getMessage())));
    }

    private static void addDeltas(Output output, String text, List<EventStreamMessage> messages) {
        byte[] payload = Json.write(Map.of("contentDelta", Map.of(output.member(), text)));
        if (payload.length <= MAX_PAYLOAD_BYTES || text.length() < 2) {
            messages.add(EventStreamMessage.event(CHUNK, JSON, payload));
            return;
        }
        // Escaping can grow text up to six times (control characters), so halve until each part fits.
        int middle = text.length() / 2;
        if (Character.isLowSurrogate(text.charAt(middle))) {
            middle--; // never split a surrogate pair
        }
        addDeltas(output, text.substring(0, middle), messages);
        addDeltas(output, text.substring(middle), messages);
    }

    private static EventStreamMessage chunk(Map<String, Object> body) {
        return EventStreamMessage.event(CHUNK, JSON, Json.write(body));
    }
}
