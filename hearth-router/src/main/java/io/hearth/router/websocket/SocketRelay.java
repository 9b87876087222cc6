package io.hearth.router.websocket;

import java.nio.ByteBuffer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One side of a {@link SocketBridge}: what its socket receives goes to its peer's socket, and it reads its next frame
 * only once the peer has sent the previous one. Public only because Jetty calls its endpoints through method handles.
 */
public final class SocketRelay implements Session.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(SocketRelay.class);

    private final SocketBridge bridge;
    private final String name;
    private SocketRelay peer;
    private volatile Session session;
    /** Bytes of the message now arriving; frames of one side come one at a time (demand), so no lock is needed. */
    private long messageBytes;

    SocketRelay(SocketBridge bridge, String name) {
        this.bridge = bridge;
        this.name = name;
    }

    void pair(SocketRelay other) {
        peer = other;
    }

    SocketRelay peer() {
        return peer;
    }

    String name() {
        return name;
    }

    void demand() {
        session.demand();
    }

    @Override
    public void onWebSocketOpen(Session opened) {
        session = opened;
        bridge.opened(this);
    }

    @Override
    public void onWebSocketPartialText(String text, boolean last) {
        if (admit(SocketBridge.utf8Length(text), last)) {
            peer.session.sendPartialText(text, last, forwarded());
        }
    }

    @Override
    public void onWebSocketPartialBinary(ByteBuffer payload, boolean last, Callback callback) {
        if (!admit(payload.remaining(), last)) {
            callback.fail(new IllegalStateException("message over " + bridge.maxMessageBytes() + " bytes"));
            return;
        }
        peer.session.sendPartialBinary(payload, last, Callback.from(() -> {
            callback.succeed();
            session.demand();
        }, failure -> {
            callback.fail(failure);
            LOG.debug("relay to the {} of session {} failed", peer.name, bridge.sessionId(), failure);
        }));
    }

    @Override
    public void onWebSocketPing(ByteBuffer payload) {
        peer.session.sendPing(payload, forwarded());
    }

    @Override
    public void onWebSocketPong(ByteBuffer payload) {
        peer.session.sendPong(payload, forwarded());
    }

    @Override
    public void onWebSocketClose(int code, String reason) {
        bridge.closedBy(this, code, reason);
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        // Jetty closes the socket after an error and reports that close too; the peer follows it there.
        LOG.debug("WebSocket of the {} of session {} failed", name, bridge.sessionId(), cause);
    }

    /** Counts a fragment against the message limit; past it, both sides close with 1009. */
    private boolean admit(long bytes, boolean last) {
        messageBytes += bytes;
        if (messageBytes > bridge.maxMessageBytes()) {
            bridge.end(StatusCode.MESSAGE_TOO_LARGE,
                    "message over " + bridge.maxMessageBytes() + " bytes");
            return false;
        }
        if (last) {
            messageBytes = 0;
        }
        return true;
    }

    /** Once the peer took the frame, this side may read the next. */
    private Callback forwarded() {
        return Callback.from(session::demand,
                failure -> LOG.debug("relay to the {} of session {} failed", peer.name, bridge.sessionId(), failure));
    }

    void close(int code, String reason) {
        Session open = session;
        if (open != null && open.isOpen()) {
            open.close(code, SocketBridge.truncate(reason), Callback.NOOP);
        }
    }
}
