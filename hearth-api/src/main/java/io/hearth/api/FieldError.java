package io.hearth.api;

import static java.util.Objects.requireNonNull;

/** One entry of a {@code ValidationException}'s {@code fieldList}. */
public record FieldError(String name, String message) {
    public FieldError {
        requireNonNull(name, "name");
        requireNonNull(message, "message");
    }
}
