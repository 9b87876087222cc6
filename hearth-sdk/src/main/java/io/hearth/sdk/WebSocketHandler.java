package io.hearth.sdk;

/**
 * Serves one {@code /ws} connection, on its own virtual thread, for as long as it runs: the connection closes
 * normally (1000) when it returns, and with 1011 "Internal server error" when it throws.
 */
@FunctionalInterface
public interface WebSocketHandler {
    void handle(WebSocketConnection connection, RequestContext context) throws Exception;
}
