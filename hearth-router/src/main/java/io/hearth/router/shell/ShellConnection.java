package io.hearth.router.shell;

import java.nio.ByteBuffer;

/** The client's socket as a shell sees it. */
public interface ShellConnection {

    /** Sends one frame and waits until the socket took it; false when the socket is gone (nothing to retry). */
    boolean send(ByteBuffer frame);

    /** Closes the socket with a WebSocket close code and reason; idempotent, never blocks. */
    void close(int code, String reason);
}
