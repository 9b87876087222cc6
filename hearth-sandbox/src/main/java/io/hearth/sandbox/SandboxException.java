package io.hearth.sandbox;

/** A sandbox could not be built or inspected; the message says what and why. */
public class SandboxException extends RuntimeException {
    public SandboxException(String message) {
        super(message);
    }

    public SandboxException(String message, Throwable cause) {
        super(message, cause);
    }
}
