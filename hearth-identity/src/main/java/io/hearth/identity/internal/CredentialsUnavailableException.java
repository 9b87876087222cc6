package io.hearth.identity.internal;

/** A role's credentials cannot be had now: no source is configured for it, or its source failed. */
public final class CredentialsUnavailableException extends RuntimeException {
    public CredentialsUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
