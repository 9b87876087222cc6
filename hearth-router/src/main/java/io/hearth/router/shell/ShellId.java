package io.hearth.router.shell;

import io.hearth.api.ApiException;
import io.hearth.api.FieldError;
import java.util.regex.Pattern;

/** A shell's name within its session, chosen by the client: reconnecting with it reattaches to the same shell. */
public record ShellId(String value) {
    private static final Pattern PATTERN = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_-]{0,127}");

    /** @throws ApiException.Validation when the id is not 1-128 letters, digits, {@code _} or {@code -}, a letter or digit first */
    public ShellId {
        if (value == null || !PATTERN.matcher(value).matches()) {
            String message = "shellId: " + (value == null ? "missing" : shown(value))
                    + " (expected: 1 to 128 characters [a-zA-Z0-9_-], a letter or digit first)";
            throw ApiException.validation(message, new FieldError("shellId", message));
        }
    }

    private static String shown(String value) {
        return value.length() > 140 ? value.substring(0, 140) + "... (" + value.length() + " characters)" : value;
    }

    @Override
    public String toString() {
        return value;
    }
}
