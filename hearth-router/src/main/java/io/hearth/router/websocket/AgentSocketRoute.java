package io.hearth.router.websocket;

import static java.util.Objects.requireNonNull;

import io.hearth.api.ApiException;
import io.hearth.api.AwsHeaders;
import io.hearth.api.FieldError;
import io.hearth.router.internal.AgentHeaders;
import io.hearth.router.internal.CallerAuth;
import io.hearth.session.Exchange;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.exceptions.UpgradeException;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * {@code /runtimes/{arn}/ws}: the caller's socket is relayed to the agent's own {@code /ws}, on the port of its
 * protocol, with the headers an invocation would give it. The agent's socket is opened first, so an agent that
 * refuses it or cannot be reached is the caller's 424 before any upgrade.
 */
public final class AgentSocketRoute implements WebSocketRoute {
    /** Where AgentCore agents serve WebSockets. */
    static final String AGENT_PATH = "/ws";

    /** Query parameters that are Hearth's or the signature's, never the agent's (lower case). */
    private static final Set<String> OWN_PARAMETERS =
            Set.of("qualifier", "accountid", AwsHeaders.SESSION_ID.toLowerCase(Locale.ROOT));

    private final WebSocketClient client;

    /** @param client a started client, configured with the settings' limits (see {@link RuntimeSocketHandler}) */
    public AgentSocketRoute(WebSocketClient client) {
        this.client = requireNonNull(client, "client");
    }

    /** Browsers cannot set an Authorization header on a socket, so a JWT runtime's token may come this way too. */
    @Override
    public boolean bearerInSubprotocol() {
        return true;
    }

    @Override
    public Accepted accept(Upgrade upgrade) {
        Exchange exchange = upgrade.exchange();
        String query = agentQuery(upgrade.caller().getHttpURI().getQuery());
        URI uri;
        try {
            uri = URI.create("ws://" + exchange.agent().getHostString() + ":" + exchange.agent().getPort() + AGENT_PATH + query);
        } catch (IllegalArgumentException e) {
            String message = "query: " + query + " (expected: parameters an agent's URL can carry, percent-encoded)";
            throw ApiException.validation(message, new FieldError("query", message));
        }
        var request = new ClientUpgradeRequest(uri);
        HttpFields.Mutable headers = HttpFields.build();
        AgentHeaders.toAgent(upgrade.caller().getHeaders(), upgrade.deployment(), exchange.sessionId(),
                upgrade.requestId(), Optional.ofNullable((String) upgrade.caller().getAttribute(CallerAuth.WORKLOAD_TOKEN)),
                headers);
        for (HttpField field : headers) {
            // The handshake's own headers are the client's to make.
            if (!field.getLowerCaseName().startsWith("sec-websocket-")) {
                request.setHeader(field.getName(), headers.getValuesList(field.getName()));
            }
        }
        if (!upgrade.subprotocols().isEmpty()) {
            request.setSubProtocols(upgrade.subprotocols());
        }
        long timeoutMillis = upgrade.settings().connectTimeout().toMillis();
        request.setTimeout(timeoutMillis, TimeUnit.MILLISECONDS);
        var bridge = new SocketBridge(exchange, upgrade.settings().maxMessageBytes());
        Session agent = connect(bridge, request, exchange, timeoutMillis);
        String protocol = agent.getUpgradeResponse().getAcceptedSubProtocol();
        return new Accepted(bridge.callerSide(), Optional.ofNullable(protocol).filter(p -> !p.isEmpty()), bridge::abandon);
    }

    /**
     * The caller's own query parameters (a presigned URL may carry custom ones) as the agent gets them: Hearth's
     * (qualifier, accountId), the signature's and the session id, which the agent gets as a header, left out.
     */
    static String agentQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        var kept = new StringJoiner("&", "?", "").setEmptyValue("");
        for (String pair : rawQuery.split("&")) {
            int equals = pair.indexOf('=');
            String name;
            try {
                name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                continue; // not percent-encoding the agent could read either
            }
            if (!pair.isEmpty() && !OWN_PARAMETERS.contains(name.toLowerCase(Locale.ROOT))
                    && !name.regionMatches(true, 0, "X-Amz-", 0, 6)) {
                kept.add(pair);
            }
        }
        return kept.toString();
    }

    private Session connect(SocketBridge bridge, ClientUpgradeRequest request, Exchange exchange, long timeoutMillis) {
        CompletableFuture<Session> connected;
        try {
            connected = client.connect(bridge.agentSide(), request);
        } catch (IOException e) {
            throw unreachable(exchange, e);
        }
        try {
            // The request's own timeout ends the connect first; this bound is only a backstop.
            return connected.get(timeoutMillis + 1_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UpgradeException refused && refused.getResponseStatusCode() > 0) {
                throw ApiException.runtimeClient("The agent of session " + exchange.sessionId()
                        + " refused the WebSocket upgrade on " + AGENT_PATH + ": HTTP " + refused.getResponseStatusCode()
                        + " (expected: 101 Switching Protocols; an agent serves WebSockets only when it has a"
                        + " WebSocket handler)");
            }
            throw unreachable(exchange, cause);
        } catch (TimeoutException e) {
            connected.cancel(true);
            throw ApiException.runtimeClient("The agent of session " + exchange.sessionId()
                    + " did not accept the WebSocket upgrade on " + AGENT_PATH + " within " + timeoutMillis + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            connected.cancel(true);
            throw ApiException.internal("interrupted while connecting to the agent of session " + exchange.sessionId(), e);
        }
    }

    private static ApiException unreachable(Exchange exchange, Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof ConnectException) {
            exchange.agentUnreachable();
        }
        String detail = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return ApiException.runtimeClient("The agent of session " + exchange.sessionId() + " could not be reached on "
                + AGENT_PATH + ": " + detail);
    }
}
