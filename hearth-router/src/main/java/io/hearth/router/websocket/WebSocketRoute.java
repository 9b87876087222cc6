package io.hearth.router.websocket;

import static java.util.Objects.requireNonNull;

import io.hearth.deployment.Deployment;
import io.hearth.session.Exchange;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.websocket.api.Session;

/**
 * What an upgrade on one path of a runtime ({@code /runtimes/{arn}/<path>}) is bridged to, once the caller, runtime,
 * endpoint and session are known. {@link RuntimeSocketHandler} does all that comes before (credentials, quotas, the
 * session's sandbox) and the upgrade itself; a route only decides what the caller's socket talks to.
 */
public interface WebSocketRoute {
    /**
     * Connects what the caller's socket will talk to. Runs on a virtual thread and may block. Once it returns, the
     * {@link Accepted} owns the upgrade's exchange; when it throws, the handler closes the exchange and answers the
     * caller with the error, before any upgrade.
     *
     * @throws io.hearth.api.ApiException the caller's answer (for example 424 {@code RuntimeClientError} when the agent
     *                                    refuses the upgrade)
     */
    Accepted accept(Upgrade upgrade);

    /**
     * Whether a bearer token may come as the subprotocol {@code base64UrlBearerAuthorization.<base64url token>} (the
     * form browsers can send); the 101 then selects {@code base64UrlBearerAuthorization}.
     */
    default boolean bearerInSubprotocol() {
        return false;
    }

    /**
     * One upgrade, resolved.
     *
     * @param caller       the caller's request, with the session id and a bearer token where the query or subprotocol
     *                     carried them (what the agent's headers are made from)
     * @param deployment   the runtime version behind the endpoint
     * @param exchange     the session's hold: open while the socket is
     * @param requestId    the upgrade's {@code x-amzn-RequestId}
     * @param subprotocols what the caller offered in {@code Sec-WebSocket-Protocol}, bearer tokens left out
     * @param settings     limits and timeouts
     */
    record Upgrade(Request caller, Deployment deployment, Exchange exchange, String requestId, List<String> subprotocols,
            WebSocketSettings settings) {
        public Upgrade {
            requireNonNull(caller, "caller");
            requireNonNull(deployment, "deployment");
            requireNonNull(exchange, "exchange");
            requireNonNull(requestId, "requestId");
            subprotocols = List.copyOf(subprotocols);
            requireNonNull(settings, "settings");
        }
    }

    /**
     * A route's answer: the caller side's endpoint, the subprotocol the 101 selects, and how to let go of what was
     * connected (and the exchange) when the 101 cannot be sent after all.
     */
    record Accepted(Session.Listener callerEndpoint, Optional<String> subprotocol, Runnable abandon) {
        public Accepted {
            requireNonNull(callerEndpoint, "callerEndpoint");
            requireNonNull(subprotocol, "subprotocol");
            requireNonNull(abandon, "abandon");
        }
    }
}
