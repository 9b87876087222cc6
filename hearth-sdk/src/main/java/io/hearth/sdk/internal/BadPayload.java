package io.hearth.sdk.internal;

/** The body does not fit the handler's payload type: answered 400 before the handler runs. */
public final class BadPayload extends RuntimeException {
    public BadPayload(String message, Throwable cause) {
        super(message, cause);
    }
}
