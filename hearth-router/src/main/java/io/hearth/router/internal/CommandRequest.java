package io.hearth.router.internal;

import io.hearth.api.ApiException;
import io.hearth.api.FieldError;
import java.time.Duration;
import tools.jackson.databind.JsonNode;

/**
 * What InvokeAgentRuntimeCommand asks for: a shell command line and how long it may run.
 *
 * @param command run as {@code /bin/sh -c command}; 1 to 65,536 characters
 * @param timeout 1 to 3,600 seconds; 300 when the caller names none
 */
public record CommandRequest(String command, Duration timeout) {
    public static final int MAX_COMMAND_CHARS = 65_536;
    public static final int MAX_TIMEOUT_SECONDS = 3_600;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(300);
    /** A body large enough for the longest command even if every character were JSON-escaped. */
    public static final int MAX_BODY_BYTES = 6 * 4 * MAX_COMMAND_CHARS + 4_096;

    public CommandRequest {
        checkCommand(command);
        checkTimeout(timeout.toSeconds());
    }

    /** Reads the request body's members; anything else in it is ignored, as AWS ignores unknown members. */
    public static CommandRequest of(JsonNode body) {
        if (!body.isObject()) {
            throw ApiException.cannotParse("request body: " + body.getNodeType() + " (expected: a JSON object with command and timeout)");
        }
        JsonNode command = body.get("command");
        if (command == null || command.isNull()) {
            throw invalid("command", "command: missing (expected: a string of 1 to " + MAX_COMMAND_CHARS + " characters)");
        }
        if (!command.isString()) {
            throw invalid("command", "command: " + command.getNodeType() + " (expected: a string of 1 to "
                    + MAX_COMMAND_CHARS + " characters)");
        }
        JsonNode timeout = body.get("timeout");
        long seconds = DEFAULT_TIMEOUT.toSeconds();
        if (timeout != null && !timeout.isNull()) {
            if (!timeout.isIntegralNumber() || !timeout.canConvertToLong()) {
                throw invalid("timeout", "timeout: " + timeout + " (expected: whole seconds from 1 to " + MAX_TIMEOUT_SECONDS + ")");
            }
            seconds = timeout.longValue();
        }
        checkCommand(command.stringValue());
        checkTimeout(seconds);
        return new CommandRequest(command.stringValue(), Duration.ofSeconds(seconds));
    }

    private static void checkCommand(String command) {
        int length = command.codePointCount(0, command.length());
        if (length < 1 || length > MAX_COMMAND_CHARS) {
            throw invalid("command", "command: " + length + " characters (expected: 1 to " + MAX_COMMAND_CHARS + ")");
        }
    }

    private static void checkTimeout(long seconds) {
        if (seconds < 1 || seconds > MAX_TIMEOUT_SECONDS) {
            throw invalid("timeout", "timeout: " + seconds + " (expected: whole seconds from 1 to " + MAX_TIMEOUT_SECONDS + ")");
        }
    }

    private static ApiException invalid(String field, String message) {
        return ApiException.validation(message, new FieldError(field, message));
    }
}
