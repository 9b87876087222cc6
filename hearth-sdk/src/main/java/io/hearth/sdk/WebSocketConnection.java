package io.hearth.sdk;

import java.util.Optional;

/**
 * A {@code /ws} connection as its handler sees it: blocking calls, made from the handler's virtual thread. A message
 * is read from the peer only when {@link #receive()} asks for one, so a slow handler slows the sender down instead of
 * queueing without bound.
 */
public interface WebSocketConnection {
    /** The next whole message, or empty once the peer closed the connection or it failed. */
    Optional<WebSocketMessage> receive();

    /** Sends a text message; returns once it is written. */
    void sendText(String text);

    /** Sends a binary message; returns once it is written. */
    void sendBinary(byte[] bytes);

    /** Sends {@code value} written as JSON, in a text message. */
    void sendJson(Object value);

    /** Closes with {@code code} (1000 normal, 1008 policy, 1011 server error, 4000-4999 the agent's own). */
    void close(int code, String reason);

    boolean isOpen();
}
