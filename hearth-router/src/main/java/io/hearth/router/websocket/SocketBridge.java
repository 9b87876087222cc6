package io.hearth.router.websocket;

import io.hearth.session.EndReason;
import io.hearth.session.Exchange;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;

/**
 * Two WebSockets relayed to each other, the caller's and the agent's, holding the session's exchange while they are
 * open. Each side reads its next frame only once the other side has sent the previous one (explicit demand), so
 * neither a fast caller nor a fast agent makes Hearth hold more than one frame per direction. Fragments stay
 * fragments, pings and pongs cross, and the first close on either side closes the other with the same code and
 * reason (a code that may not be sent, such as 1006 for a lost connection, becomes 1011 or 1001 with a reason).
 */
final class SocketBridge {
    /** A close reason may take 123 bytes of UTF-8 (RFC 6455 §5.5: 125 bytes of payload, 2 for the code). */
    private static final int MAX_REASON_BYTES = 123;

    private final Exchange exchange;
    private final long maxMessageBytes;
    private final SocketRelay caller = new SocketRelay(this, "caller");
    private final SocketRelay agent = new SocketRelay(this, "agent");
    private final AtomicBoolean ended = new AtomicBoolean();

    SocketBridge(Exchange exchange, long maxMessageBytes) {
        this.exchange = exchange;
        this.maxMessageBytes = maxMessageBytes;
        caller.pair(agent);
        agent.pair(caller);
    }

    /** The endpoint of the caller's socket, for the upgrade. */
    Session.Listener callerSide() {
        return caller;
    }

    /** The endpoint of the socket to the agent, for the client's connect. */
    Session.Listener agentSide() {
        return agent;
    }

    /** The 101 could not be sent: the agent's socket closes and the session is free again. */
    void abandon() {
        end(StatusCode.SHUTDOWN, "the caller's upgrade failed");
    }

    /** {@code side} is open; once the caller's is (the agent's opens first), frames start to move both ways. */
    void opened(SocketRelay side) {
        if (side == caller) {
            // The session's end now closes both sockets.
            exchange.onAbort(this::sessionEnded);
            caller.demand();
            agent.demand();
        }
    }

    String sessionId() {
        return exchange.sessionId();
    }

    long maxMessageBytes() {
        return maxMessageBytes;
    }

    private void sessionEnded(EndReason reason) {
        switch (reason) {
            case STOPPED -> end(StatusCode.SHUTDOWN, "session stopped");
            case SHUTDOWN -> end(StatusCode.SHUTDOWN, "server shutting down");
            case MAX_LIFETIME, IDLE_TIMEOUT -> end(StatusCode.SHUTDOWN, "session ended: " + reason.wireName());
            case RUNTIME_DELETED -> end(StatusCode.SHUTDOWN, "session ended: the runtime or endpoint was deleted");
            case AGENT_EXITED, OOM, UNHEALTHY, START_FAILED -> end(StatusCode.SERVER_ERROR, "session ended: " + reason.wireName());
        }
    }

    /** Closes both sides with one code and reason, and lets go of the session. */
    void end(int code, String reason) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        exchange.close();
        caller.close(code, reason);
        agent.close(code, reason);
    }

    /** {@code from} closed with {@code code}: the other side closes the same way, where the code may be sent. */
    void closedBy(SocketRelay from, int code, String reason) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        exchange.close();
        int forwarded = code;
        String why = reason == null ? "" : reason;
        if (code == StatusCode.NO_CODE) {
            forwarded = StatusCode.NORMAL;
        } else if (!maySend(code)) {
            // 1006 and kin: the connection was lost without a close.
            forwarded = from == agent ? StatusCode.SERVER_ERROR : StatusCode.SHUTDOWN;
            why = "the " + from.name() + "'s connection was lost" + (why.isEmpty() ? "" : ": " + why);
        }
        from.peer().close(forwarded, why);
    }

    /** Whether a close frame may carry {@code code} (RFC 6455 §7.4): 1006, 1005, 1015 and the unassigned may not. */
    static boolean maySend(int code) {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    }

    static String truncate(String reason) {
        byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_REASON_BYTES) {
            return reason;
        }
        int end = MAX_REASON_BYTES;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--; // never cut a character in two
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
