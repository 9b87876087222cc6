package io.hearth.auth.internal;

/** The identity provider's discovery document or key set could not be fetched or read. */
final class ProviderFailure extends RuntimeException {
    ProviderFailure(String message, Throwable cause) {
        super(message, cause);
    }

    ProviderFailure(String message) {
        super(message);
    }
}
