package io.hearth.router.shell;

import static java.util.Objects.requireNonNull;

import io.hearth.api.ApiException;
import io.hearth.router.websocket.WebSocketRoute;
import io.hearth.sandbox.SandboxException;
import java.util.Optional;
import org.eclipse.jetty.server.Request;

/**
 * {@code /runtimes/{arn}/ws/shells?shellId=...}: an interactive shell on a pseudo-terminal in the session's sandbox
 * (docs/shells.md). The caller, runtime, endpoint and session are resolved as for any socket; this route finds the
 * session's shell of that id, or starts one, and bridges the caller's frames to it.
 */
public final class ShellRoute implements WebSocketRoute {
    /** The query parameter naming the shell. */
    public static final String SHELL_ID = "shellId";

    private final ShellRegistry shells;

    public ShellRoute(ShellRegistry shells) {
        this.shells = requireNonNull(shells, "shells");
    }

    @Override
    public boolean bearerInSubprotocol() {
        return true;
    }

    /**
     * @throws ApiException 400 {@code ValidationException} for a missing or malformed shell id; 424
     *                      {@code RuntimeClientError} when the sandbox cannot start a shell; 429 past the node's shells
     */
    @Override
    public Accepted accept(Upgrade upgrade) {
        var id = new ShellId(Request.extractQueryParameters(upgrade.caller()).getValue(SHELL_ID));
        var exchange = upgrade.exchange();
        ShellRegistry.Opened opened;
        try {
            opened = shells.open(exchange.sessionKey(), id, exchange.sandboxId(), exchange::exec);
        } catch (SandboxException e) {
            throw ApiException.runtimeClient("Could not start a shell in the sandbox of session " + exchange.sessionId()
                    + ": " + e.getMessage(), e);
        }
        var socket = new ShellSocket(shells, opened, exchange);
        return new Accepted(socket, Optional.empty(), () -> {
            exchange.close();
            if (!opened.reconnected()) {
                opened.shell().terminate(LiveShell.GOING_AWAY, "the upgrade failed");
            }
        });
    }
}
