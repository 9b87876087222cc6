package io.hearth.router.shell;

import static java.util.Objects.requireNonNull;

import io.hearth.sandbox.ExecSpec.TerminalSize;

/** What a shell client may send: one binary WebSocket message, its first byte naming the channel. */
public sealed interface ClientFrame {

    /** Channel 0: bytes for the terminal, as typed or pasted. */
    record Stdin(byte[] bytes) implements ClientFrame {
        public Stdin {
            requireNonNull(bytes, "bytes");
        }
    }

    /** Channel 4: the client's terminal changed size. */
    record Resize(TerminalSize size) implements ClientFrame {
        public Resize {
            requireNonNull(size, "size");
        }
    }

    /** Channel 5: the client's keepalive; answered with the same frame. */
    record Heartbeat() implements ClientFrame {}

    /** Channel 0xFF: end the shell for good (a dropped socket only detaches it). */
    record Close() implements ClientFrame {}
}
