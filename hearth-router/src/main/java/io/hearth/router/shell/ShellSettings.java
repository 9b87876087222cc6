package io.hearth.router.shell;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How interactive shells behave.
 *
 * @param reconnectWindow how long a shell whose socket dropped keeps running for a client to reattach with the same
 *                        shell id (AgentCore: about 15 minutes); then it is killed
 * @param replayBytes     output kept while no client is attached, delivered on reattach; older output beyond it is
 *                        dropped and counted ({@code bytesDropped})
 * @param idleTimeout     a socket on which nothing moves for this long (no frame, no ping) is closed; the shell is
 *                        detached, not ended (AgentCore: about 60 s; its clients ping every 30 s)
 * @param maxShells       shells running on this node at once, attached or not; one more is refused (429)
 */
public record ShellSettings(Duration reconnectWindow, int replayBytes, Duration idleTimeout, int maxShells) {
    public static final ShellSettings DEFAULT =
            new ShellSettings(Duration.ofSeconds(900), 256 * 1024, Duration.ofSeconds(60), 1_024);

    public ShellSettings {
        requireNonNull(reconnectWindow, "reconnectWindow");
        requireNonNull(idleTimeout, "idleTimeout");
        if (reconnectWindow.isNegative()) {
            throw new IllegalArgumentException("reconnectWindow: " + reconnectWindow + " (expected: zero or more)");
        }
        if (replayBytes < 0) {
            throw new IllegalArgumentException("replayBytes: " + replayBytes + " (expected: zero or more)");
        }
        if (idleTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("idleTimeout: " + idleTimeout + " (expected: at least 1 ms)");
        }
        if (maxShells < 1) {
            throw new IllegalArgumentException("maxShells: " + maxShells + " (expected: at least 1)");
        }
    }

    public ShellSettings withReconnectWindow(Duration window) {
        return new ShellSettings(window, replayBytes, idleTimeout, maxShells);
    }

    public ShellSettings withIdleTimeout(Duration timeout) {
        return new ShellSettings(reconnectWindow, replayBytes, timeout, maxShells);
    }
}
