package io.hearth.router.shell;

/**
 * A frame from the client that breaks the shell protocol. It ends the socket (not the shell, which stays
 * reattachable) with {@link #closeCode()} and the message as the close reason.
 */
public final class ShellProtocolException extends RuntimeException {
    /** RFC 6455: the endpoint received data it cannot accept (a text frame: the protocol is binary only). */
    public static final int UNSUPPORTED_DATA = 1003;
    /** RFC 6455: a message too big to process. */
    public static final int TOO_BIG = 1009;
    /** RFC 6455: a message that violates the endpoint's policy (an unknown channel, malformed JSON). */
    public static final int POLICY_VIOLATION = 1008;

    private final int closeCode;

    public ShellProtocolException(int closeCode, String message) {
        super(message);
        this.closeCode = closeCode;
    }

    public int closeCode() {
        return closeCode;
    }
}
