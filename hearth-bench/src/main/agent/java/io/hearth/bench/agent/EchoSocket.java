package io.hearth.bench.agent;

import java.nio.ByteBuffer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/** {@code GET /ws}: every message back as it came, text or binary (the container contract's optional WebSocket). */
public final class EchoSocket implements Session.Listener.AutoDemanding {
    private volatile Session session;

    @Override
    public void onWebSocketOpen(Session opened) {
        session = opened;
    }

    @Override
    public void onWebSocketText(String text) {
        session.sendText(text, Callback.NOOP);
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        session.sendBinary(payload, callback);
    }
}
