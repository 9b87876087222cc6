package io.hearth.image;

import static java.util.Objects.requireNonNull;

/** A pull that failed; {@link #reason()} says whose fault it is, the message says what and what was expected. */
public final class ImageException extends RuntimeException {
    public enum Reason {
        /** No such repository, tag, manifest or blob. */
        NOT_FOUND,
        /** The registry wants credentials, or refused the ones given. */
        UNAUTHORIZED,
        /** The credentials are valid but may not pull this. */
        DENIED,
        /** A manifest, platform, media type or layer Hearth does not run. */
        UNSUPPORTED,
        /** Content that is not what it claims (digest, size, JSON) or would escape its root filesystem. */
        INVALID,
        /** Over a size or entry limit. */
        TOO_LARGE,
        /** The registry could not be reached, timed out or failed; trying again may work. */
        UNAVAILABLE,
        /** The local store failed (disk full, permissions). */
        STORAGE
    }

    private final Reason reason;

    public ImageException(Reason reason, String message) {
        super(message);
        this.reason = requireNonNull(reason, "reason");
    }

    public ImageException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
