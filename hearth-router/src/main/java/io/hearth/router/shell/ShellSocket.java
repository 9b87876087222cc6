package io.hearth.router.shell;

import static java.util.Objects.requireNonNull;

import io.hearth.session.Exchange;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client socket of a shell: frames from the client become terminal input, resizes, heartbeats or the end of the
 * shell; the shell's frames go out through {@link #send}. The next frame is read only once the previous one was
 * handled (a terminal that does not take input holds the client back). The socket holds its session's
 * {@link Exchange}, so the session is busy while it is open; the session ending kills the shell, whose exit the client
 * then hears.
 */
public final class ShellSocket implements Session.Listener, ShellConnection {
    private static final Logger LOG = LoggerFactory.getLogger(ShellSocket.class);
    /** RFC 6455: the server cannot take the socket now. */
    private static final int TRY_AGAIN_LATER = 1013;
    private static final int SERVER_ERROR = 1011;
    private static final int MAX_REASON_BYTES = 123;

    private final ShellRegistry registry;
    private final LiveShell shell;
    private final boolean reconnected;
    private final Exchange exchange;
    private final AtomicBoolean over = new AtomicBoolean();
    private volatile Session socket;

    ShellSocket(ShellRegistry registry, ShellRegistry.Opened opened, Exchange exchange) {
        this.registry = requireNonNull(registry, "registry");
        this.shell = opened.shell();
        this.reconnected = opened.reconnected();
        this.exchange = requireNonNull(exchange, "exchange");
    }

    @Override
    public void onWebSocketOpen(Session session) {
        socket = session;
        session.setIdleTimeout(registry.settings().idleTimeout());
        session.setMaxBinaryMessageSize(ShellFrames.MAX_FRAME_BYTES);
        session.setMaxTextMessageSize(ShellFrames.MAX_FRAME_BYTES);
        exchange.onAbort(reason -> shell.kill());
        offload(() -> {
            if (shell.attach(this, reconnected)) {
                session.demand();
            } else {
                close(SERVER_ERROR, "shell " + shell.key.id() + " ended as the socket opened; connect again");
            }
        });
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        ClientFrame frame;
        try {
            frame = ShellFrames.decode(payload);
        } catch (ShellProtocolException e) {
            callback.succeed();
            close(e.closeCode(), e.getMessage());
            return;
        }
        switch (frame) {
            case ClientFrame.Stdin stdin -> {
                try {
                    registry.write(() -> {
                        shell.input(stdin.bytes());
                        callback.succeed();
                        socket.demand();
                    });
                } catch (RejectedExecutionException e) {
                    callback.succeed();
                    close(TRY_AGAIN_LATER, "too many shells at work on this server; retry later");
                }
            }
            case ClientFrame.Resize resize -> offload(() -> {
                shell.resize(resize.size());
                callback.succeed();
                socket.demand();
            });
            case ClientFrame.Heartbeat heartbeat -> {
                callback.succeed();
                socket.sendBinary(ShellFrames.heartbeat(), Callback.NOOP);
                socket.demand();
            }
            case ClientFrame.Close close -> {
                callback.succeed();
                offload(() -> shell.closeByClient(this));
            }
        }
    }

    @Override
    public void onWebSocketText(String message) {
        close(ShellProtocolException.UNSUPPORTED_DATA, "text frames are not part of the shell protocol (expected: binary frames)");
    }

    @Override
    public void onWebSocketPing(ByteBuffer payload) {
        socket.sendPong(payload, Callback.NOOP);
        socket.demand();
    }

    @Override
    public void onWebSocketPong(ByteBuffer payload) {
        socket.demand();
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        ended();
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        LOG.debug("{}: socket failed: {}", shell, cause.toString());
        ended();
    }

    /** The socket is gone, the shell is not: it waits for a client for the reconnect window. */
    private void ended() {
        if (over.compareAndSet(false, true)) {
            shell.detach(this);
            exchange.close();
        }
    }

    @Override
    public boolean send(ByteBuffer frame) {
        Session to = socket;
        if (to == null || !to.isOpen()) {
            return false;
        }
        var sent = new CompletableFuture<Void>();
        to.sendBinary(frame, Callback.from(() -> sent.complete(null), sent::completeExceptionally));
        try {
            sent.get();
            return true;
        } catch (ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close(int code, String reason) {
        Session to = socket;
        if (to != null && to.isOpen()) {
            to.close(code, fitted(reason), Callback.NOOP);
        }
    }

    /** A close frame carries at most 123 bytes of reason. */
    static String fitted(String reason) {
        byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_REASON_BYTES) {
            return reason;
        }
        String cut = new String(bytes, 0, MAX_REASON_BYTES - 3, StandardCharsets.UTF_8);
        // A character split by the cut decodes as U+FFFD, which is 3 bytes: drop it.
        while (cut.getBytes(StandardCharsets.UTF_8).length > MAX_REASON_BYTES - 3) {
            cut = cut.substring(0, cut.length() - 1);
        }
        return cut + "...";
    }

    /** Work that may block (a terminal's input, the attach and its replay) leaves the network thread. */
    private void offload(Runnable task) {
        try {
            registry.execute(task);
        } catch (RejectedExecutionException e) {
            close(TRY_AGAIN_LATER, "too many shells at work on this server; retry later");
        }
    }
}
