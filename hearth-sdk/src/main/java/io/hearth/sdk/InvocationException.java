package io.hearth.sdk;

/**
 * Thrown by a handler to answer with a status of its choosing: {@code status} and {@code {"error": message}}. Any other
 * exception is answered with 500 and its message, as the official AgentCore SDKs do. Once a stream has begun, either
 * becomes an {@code error} event instead.
 */
public class InvocationException extends RuntimeException {
    private final int status;

    public InvocationException(int status, String message) {
        this(status, message, null);
    }

    public InvocationException(int status, String message, Throwable cause) {
        super(message, cause);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("status: " + status + " (expected: 400 to 599)");
        }
        this.status = status;
    }

    public int status() {
        return status;
    }
}
