package io.hearth.sdk.internal;

import io.hearth.sdk.RequestContext;
import io.hearth.sdk.WebSocketConnection;
import io.hearth.sdk.WebSocketHandler;
import io.hearth.sdk.WebSocketMessage;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import tools.jackson.databind.ObjectMapper;

/**
 * One {@code /ws} connection: Jetty's events on one side, the handler's blocking {@link WebSocketConnection} on its
 * own virtual thread on the other. The next frame is read only when the handler asks for a message.
 */
public final class SocketBridge implements Session.Listener, WebSocketConnection {
    private static final System.Logger LOG = System.getLogger("io.hearth.sdk");

    private sealed interface Event {}

    private record Received(WebSocketMessage message) implements Event {}

    private record Closed() implements Event {}

    private final WebSocketHandler handler;
    private final RequestContext context;
    private final Executor executor;
    private final ObjectMapper json;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private volatile Session session;
    private volatile boolean closed;

    public SocketBridge(WebSocketHandler handler, RequestContext context, Executor executor, ObjectMapper json) {
        this.handler = handler;
        this.context = context;
        this.executor = executor;
        this.json = json;
    }

    @Override
    public void onWebSocketOpen(Session opened) {
        session = opened;
        executor.execute(this::serve);
    }

    private void serve() {
        try {
            handler.handle(this, context);
            close(StatusCode.NORMAL, "");
        } catch (Exception e) {
            LOG.log(Level.ERROR, "WebSocket handler of session " + context.sessionId() + " failed", e);
            close(StatusCode.SERVER_ERROR, "Internal server error");
        }
    }

    @Override
    public void onWebSocketText(String text) {
        events.add(new Received(new WebSocketMessage.Text(text)));
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        var bytes = new byte[payload.remaining()];
        payload.get(bytes);
        callback.succeed();
        events.add(new Received(new WebSocketMessage.Binary(bytes)));
    }

    @Override
    public void onWebSocketPing(ByteBuffer payload) {
        session.sendPong(payload.duplicate(), Callback.NOOP);
        // Control frames use up the demand a receive() made: ask again for the message it waits for.
        session.demand();
    }

    @Override
    public void onWebSocketPong(ByteBuffer payload) {
        session.demand();
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason, Callback callback) {
        closed = true;
        events.add(new Closed());
        callback.succeed();
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        closed = true;
        events.add(new Closed());
    }

    @Override
    public Optional<WebSocketMessage> receive() {
        if (events.isEmpty() && !closed) {
            session.demand();
        }
        try {
            Event event = events.take();
            if (event instanceof Received received) {
                return Optional.of(received.message());
            }
            events.add(event);
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    @Override
    public void sendText(String text) {
        var sent = new Sent();
        session.sendText(text, sent);
        sent.await();
    }

    @Override
    public void sendBinary(byte[] bytes) {
        var sent = new Sent();
        session.sendBinary(ByteBuffer.wrap(bytes.clone()), sent);
        sent.await();
    }

    @Override
    public void sendJson(Object value) {
        sendText(json.writeValueAsString(value));
    }

    @Override
    public void close(int code, String reason) {
        Session current = session;
        if (current != null && current.isOpen()) {
            current.close(code, reason, Callback.NOOP);
        }
    }

    @Override
    public boolean isOpen() {
        Session current = session;
        return !closed && current != null && current.isOpen();
    }

    /** A send's completion, awaited by the handler's thread. */
    private static final class Sent extends CompletableFuture<Void> implements Callback {
        @Override
        public void succeed() {
            complete(null);
        }

        @Override
        public void fail(Throwable failure) {
            completeExceptionally(failure);
        }

        void await() {
            try {
                get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("WebSocket send failed: " + e.getCause().getMessage(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while sending on a WebSocket", e);
            }
        }
    }
}
