package io.hearth.router.websocket;

import static java.util.Objects.requireNonNull;

import io.hearth.api.ApiException;
import io.hearth.api.AwsHeaders;
import io.hearth.api.AwsIdentity;
import io.hearth.api.FieldError;
import io.hearth.api.Workers;
import io.hearth.auth.WorkloadTokens;
import io.hearth.deployment.Deployment;
import io.hearth.deployment.Deployments;
import io.hearth.http.PathSegments;
import io.hearth.http.Refusals;
import io.hearth.http.RequestIds;
import io.hearth.quota.Caller;
import io.hearth.quota.Quotas;
import io.hearth.router.internal.CallerAuth;
import io.hearth.router.internal.CallerInputs;
import io.hearth.router.internal.ModeledHeader;
import io.hearth.router.internal.RuntimeCallers;
import io.hearth.session.Exchange;
import io.hearth.session.SessionManager;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WebSocket upgrades on a runtime's paths ({@code GET /runtimes/{arn}/ws...}, docs/websocket.md): resolves runtime,
 * endpoint, caller and session as InvokeAgentRuntime does, lets the path's {@link WebSocketRoute} connect what the
 * socket talks to, then answers 101. Every refusal before that is an AWS error. Paths without a route are left to
 * the handlers after it.
 */
public final class RuntimeSocketHandler extends Handler.Abstract.NonBlocking {
    private static final Logger LOG = LoggerFactory.getLogger(RuntimeSocketHandler.class);
    /** Upgrades being resolved at once (cold starts included), and waiting for a turn; more are throttled. */
    private static final int MAX_RUNNING = 1_024;
    private static final int MAX_QUEUED = 4_096;

    private final SessionManager sessions;
    private final Quotas quotas;
    private final CallerAuth callerAuth;
    private final RuntimeCallers callers;
    private final WebSocketSettings settings;
    private final ServerWebSocketContainer container;
    private final WebSocketRoutes routes;
    private final Workers upgrades;

    /**
     * @param server the server the sockets live on (its WebSocket container is configured from {@code settings})
     * @param routes what each path is bridged to, made with the client {@link #agentClient} returns
     */
    public RuntimeSocketHandler(Server server, Deployments deployments, SessionManager sessions, AwsIdentity identity,
            Quotas quotas, Optional<WorkloadTokens> workloadTokens, WebSocketSettings settings, WebSocketRoutes routes) {
        this.sessions = requireNonNull(sessions, "sessions");
        this.quotas = requireNonNull(quotas, "quotas");
        this.callerAuth = new CallerAuth(workloadTokens);
        this.callers = new RuntimeCallers(deployments, identity, callerAuth);
        this.settings = requireNonNull(settings, "settings");
        this.routes = requireNonNull(routes, "routes");
        container = ServerWebSocketContainer.ensure(requireNonNull(server, "server"));
        configure(container, settings);
        addBean(container);
        upgrades = Workers.bounded("hearth-websocket-upgrade", MAX_RUNNING, MAX_QUEUED);
    }

    /**
     * A client for the sockets to agents, with the same limits as the callers' side; the caller starts and stops it
     * (routes hold it, and may outlive no handler).
     */
    public static WebSocketClient agentClient(WebSocketSettings settings) {
        var client = new WebSocketClient();
        configure(client, settings);
        client.setConnectTimeout(settings.connectTimeout().toMillis());
        client.setStopAtShutdown(false);
        return client;
    }

    private static void configure(org.eclipse.jetty.websocket.api.Configurable side, WebSocketSettings settings) {
        side.setIdleTimeout(settings.idleTimeout());
        side.setMaxFrameSize(settings.maxFrameBytes());
        // A frame past the limit closes with 1009 rather than being cut into smaller ones.
        side.setAutoFragment(false);
        // Messages are relayed fragment by fragment; their limit is counted by the relay.
        side.setMaxTextMessageSize(settings.maxMessageBytes());
        side.setMaxBinaryMessageSize(settings.maxMessageBytes());
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop();
        upgrades.close(Duration.ofSeconds(1));
    }

    /** Whether a request is for a runtime's WebSocket paths: the edge lets such upgrades reach the runtime unsigned. */
    public static boolean serves(Request request) {
        List<String> path = PathSegments.of(request);
        return request.getMethod().equals("GET") && path.size() >= 3 && path.get(0).equals("runtimes")
                && path.get(2).equals("ws");
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        List<String> path = PathSegments.of(request);
        if (path.size() < 3 || !path.get(0).equals("runtimes") || !request.getMethod().equals("GET")) {
            return false;
        }
        Optional<WebSocketRoute> route = routes.match(path.subList(2, path.size()));
        if (route.isEmpty()) {
            return false;
        }
        if (!isUpgrade(request)) {
            String message = "Upgrade: " + Optional.ofNullable(request.getHeaders().get(HttpHeader.UPGRADE)).orElse("missing")
                    + " (expected: a WebSocket upgrade, with Connection: Upgrade and Upgrade: websocket)";
            refuse(request, response, callback, ApiException.validation(message, new FieldError("Upgrade", message)));
            return true;
        }
        try {
            upgrades.execute(() -> upgrade(route.get(), path.get(1), request, response, callback));
        } catch (RejectedExecutionException e) {
            refuse(request, response, callback, new ApiException.Throttling(
                    "Rate exceeded: too many WebSocket upgrades waiting; retry later (" + e.getMessage() + ")"));
        }
        return true;
    }

    private static boolean isUpgrade(Request request) {
        String upgrade = request.getHeaders().get(HttpHeader.UPGRADE);
        return upgrade != null && upgrade.equalsIgnoreCase("websocket");
    }

    private void upgrade(WebSocketRoute route, String label, Request request, Response response, Callback callback) {
        Exchange exchange = null;
        try {
            UpgradeCaller caller = UpgradeCaller.of(request, route.bearerInSubprotocol());
            CallerInputs inputs = CallerInputs.read(caller, false);
            ModeledHeader.checkInvoke(caller.getHeaders());
            var resolved = callers.resolve(caller, response, label, inputs);
            Deployment deployment = resolved.deployment();
            String owner = resolved.caller().ownerKey();
            quotas.checkInvocation(Caller.of(deployment, owner), deployment);
            exchange = sessions.open(deployment, owner, inputs.sessionId());
            callerAuth.attachWorkloadToken(caller, deployment, exchange.sessionId());
            WebSocketRoute.Accepted accepted = route.accept(new WebSocketRoute.Upgrade(caller, deployment, exchange,
                    RequestIds.of(request), caller.subprotocols(), settings));
            exchange = null; // the accepted bridge holds it now
            answer(request, response, callback, caller, accepted, inputs.sessionId());
        } catch (RuntimeException e) {
            if (exchange != null) {
                exchange.close();
            }
            refuse(request, response, callback, RuntimeCallers.toApi(request, e, LOG));
        }
    }

    /** The 101, with the session id and the selected subprotocol; or, when it cannot be sent, the bridge let go. */
    private void answer(Request request, Response response, Callback callback, UpgradeCaller caller,
            WebSocketRoute.Accepted accepted, String sessionId) {
        boolean upgraded;
        try {
            upgraded = container.upgrade((upgradeRequest, upgradeResponse, upgradeCallback) -> {
                upgradeResponse.getHeaders().put(AwsHeaders.SESSION_ID, sessionId);
                // No permessage-deflate: frames pass as they come, never inflated and deflated again on the way.
                upgradeResponse.setExtensions(List.of());
                Optional<String> protocol = caller.bearerProtocol() ? Optional.of(UpgradeCaller.BEARER_PROTOCOL)
                        : accepted.subprotocol();
                protocol.ifPresent(upgradeResponse::setAcceptedSubProtocol);
                return accepted.callerEndpoint();
            }, request, response, callback);
        } catch (RuntimeException e) {
            accepted.abandon().run();
            throw e;
        }
        if (!upgraded) {
            accepted.abandon().run();
            throw ApiException.validation("Upgrade: the request is not a WebSocket upgrade Hearth can take (expected:"
                    + " GET with Connection: Upgrade, Upgrade: websocket, Sec-WebSocket-Version: 13 and a Sec-WebSocket-Key)",
                    new FieldError("Upgrade", "not a WebSocket upgrade"));
        }
    }

    private static void refuse(Request request, Response response, Callback callback, ApiException error) {
        // An upgrade has no body to drain.
        Refusals.refuse(request, response, error, callback, 0);
    }
}
