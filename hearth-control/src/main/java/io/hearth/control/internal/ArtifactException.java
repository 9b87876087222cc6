package io.hearth.control.internal;

/** An artifact cannot become a runnable version; the message becomes the version's {@code failureReason}. */
final class ArtifactException extends RuntimeException {
    ArtifactException(String message) {
        super(message);
    }

    ArtifactException(String message, Throwable cause) {
        super(message, cause);
    }
}
