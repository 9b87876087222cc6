package io.hearth.router;

import static java.util.Objects.requireNonNull;

import io.hearth.api.ApiException;
import io.hearth.auth.Principal;
import io.hearth.auth.WorkloadTokens;
import io.hearth.api.AwsHeaders;
import io.hearth.api.AwsIdentity;
import io.hearth.api.FieldError;
import io.hearth.api.Workers;
import io.hearth.http.JsonBodies;
import io.hearth.http.PathSegments;
import io.hearth.http.Refusals;
import io.hearth.http.Replies;
import io.hearth.http.RequestIds;
import io.hearth.deployment.Deployment;
import io.hearth.deployment.Deployments;
import io.hearth.router.internal.AgentCall;
import io.hearth.router.internal.AgentRequestBody;
import io.hearth.router.AgentTimeouts;
import io.hearth.router.internal.CallerAuth;
import io.hearth.router.internal.CallerInputs;
import io.hearth.router.internal.ContentNegotiation;
import io.hearth.router.internal.McpSession;
import io.hearth.router.internal.McpStreams;
import io.hearth.router.internal.ModeledHeader;
import io.hearth.router.internal.ResumableStreams;
import io.hearth.router.internal.RuntimeCallers;
import io.hearth.router.internal.RuntimeLabel;
import io.hearth.router.tracing.InvocationTrace;
import io.hearth.router.tracing.Tracing;
import io.hearth.quota.Caller;
import io.hearth.quota.QuotaRefusal;
import io.hearth.quota.Quotas;
import io.hearth.session.Exchange;
import io.hearth.session.SessionKey;
import io.hearth.session.SessionManager;
import io.hearth.session.SessionStart;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.regex.Pattern;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data plane: InvokeAgentRuntime, StopRuntimeSession and GetAgentCard. Resolves runtime, endpoint and
 * session, takes a token of the endpoint's invocation rate, then hands the exchange to an {@link AgentCall}.
 * Paths it does not serve return false, so the control plane can share the port (docs/wire-contract.md §1.1).
 */
public final class DataPlaneHandler extends Handler.Abstract {
    /** AgentCore's payload limit: 100,000,000 bytes, enforced while streaming. */
    public static final long MAX_PAYLOAD_BYTES = 100_000_000L;

    private static final Logger LOG = LoggerFactory.getLogger(DataPlaneHandler.class);
    private static final Pattern CLIENT_TOKEN = Pattern.compile("[a-zA-Z0-9](-*[a-zA-Z0-9]){0,256}");
    /**
     * Requests on the path that may block (cold starts, the store, stops) at once, and waiting for a turn; beyond
     * that a request is throttled. Generous: a cold start mostly waits on the agent, not on this node.
     */
    public static final int MAX_SLOW_RUNNING = 4_096;
    public static final int MAX_SLOW_QUEUED = 4_096;
    /** A refused body up to this size is read and dropped so an HTTP/1.1 client hears the refusal; a larger one is cut. */
    private static final long MAX_DRAIN_BYTES = 4 * MAX_PAYLOAD_BYTES;
    /** The same for a caller not (yet) authenticated: enough for it to hear the answer, no more. */
    private static final long MAX_UNAUTHENTICATED_DRAIN_BYTES = 1L << 20;

    private final Deployments deployments;
    private final SessionManager sessions;
    private final HttpClient agentClient;
    private final AwsIdentity identity;
    private final AgentTimeouts timeouts;
    private final long maxPayloadBytes;
    private final Workers slowPath;
    private final boolean ownsSlowPath;
    private final Quotas quotas;
    private final CallerAuth callerAuth;
    private final RuntimeCallers callers;
    private final ResumableStreams streams;
    private Tracing tracing = Tracing.inMemory();
    /** Set on a request once its invocation took a token, so the slow path does not take a second. */
    private static final String RATE_COUNTED = DataPlaneHandler.class.getName() + ".rateCounted";

    public DataPlaneHandler(Deployments deployments, SessionManager sessions, HttpClient agentClient,
            AwsIdentity identity, AgentTimeouts timeouts, long maxPayloadBytes) {
        this(deployments, sessions, agentClient, identity, timeouts, maxPayloadBytes,
                Workers.bounded("hearth-data-plane", MAX_SLOW_RUNNING, MAX_SLOW_QUEUED), true, Quotas.unlimited(),
                Optional.empty(), ResumableStreamSettings.DEFAULT);
    }

    /**
     * With the node's quotas (each invocation takes a token of its endpoint's rate first), and the key every
     * invocation's workload access token is signed with.
     */
    public DataPlaneHandler(Deployments deployments, SessionManager sessions, HttpClient agentClient,
            AwsIdentity identity, AgentTimeouts timeouts, long maxPayloadBytes, Quotas quotas,
            WorkloadTokens workloadTokens, ResumableStreamSettings resumableStreams) {
        this(deployments, sessions, agentClient, identity, timeouts, maxPayloadBytes,
                Workers.bounded("hearth-data-plane", MAX_SLOW_RUNNING, MAX_SLOW_QUEUED), true, quotas,
                Optional.of(workloadTokens), resumableStreams);
    }

    /** With the caller's executor for the path that may block; the caller closes it. */
    public DataPlaneHandler(Deployments deployments, SessionManager sessions, HttpClient agentClient,
            AwsIdentity identity, AgentTimeouts timeouts, long maxPayloadBytes, Workers slowPath) {
        this(deployments, sessions, agentClient, identity, timeouts, maxPayloadBytes, slowPath, false, Quotas.unlimited(),
                Optional.empty(), ResumableStreamSettings.DEFAULT);
    }

    private DataPlaneHandler(Deployments deployments, SessionManager sessions, HttpClient agentClient,
            AwsIdentity identity, AgentTimeouts timeouts, long maxPayloadBytes, Workers slowPath, boolean ownsSlowPath,
            Quotas quotas, Optional<WorkloadTokens> workloadTokens, ResumableStreamSettings resumableStreams) {
        super(InvocationType.NON_BLOCKING);
        this.streams = new ResumableStreams(resumableStreams, agentClient::getScheduler);
        this.quotas = requireNonNull(quotas, "quotas");
        this.callerAuth = new CallerAuth(workloadTokens);
        this.deployments = requireNonNull(deployments, "deployments");
        this.sessions = requireNonNull(sessions, "sessions");
        this.agentClient = requireNonNull(agentClient, "agentClient");
        this.identity = requireNonNull(identity, "identity");
        this.callers = new RuntimeCallers(deployments, identity, callerAuth);
        this.timeouts = requireNonNull(timeouts, "timeouts");
        if (maxPayloadBytes < 1) {
            throw new IllegalArgumentException("maxPayloadBytes: " + maxPayloadBytes + " (expected: positive)");
        }
        this.maxPayloadBytes = maxPayloadBytes;
        this.slowPath = requireNonNull(slowPath, "slowPath");
        this.ownsSlowPath = ownsSlowPath;
    }

    /** Where invocation traces go; set before the handler starts (docs/tracing.md). */
    public DataPlaneHandler withTracing(Tracing newTracing) {
        this.tracing = requireNonNull(newTracing, "tracing");
        return this;
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop();
        if (ownsSlowPath) {
            slowPath.close(Duration.ofSeconds(1));
        }
    }

    /** Whether a request is for the data plane: the router between planes asks this first. */
    public static boolean serves(Request request) {
        return route(PathSegments.of(request), request.getMethod()) != Route.NONE;
    }

    /**
     * Never blocks the calling (network) thread: an invocation on a warm session of a resolved deployment is
     * proxied at once; anything that may wait (a cold start, the store, a stop) continues on the bounded slow-path
     * executor, and is throttled (429) when that is full.
     */
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        List<String> path = PathSegments.of(request);
        Route route = streams.asked(request, path) ? Route.RESUME : route(path, request.getMethod());
        if (route == Route.NONE) {
            return false;
        }
        if (route == Route.INVOKE && request.getLength() > maxPayloadBytes) {
            // Refused before a byte of the body is read, and before anything else is looked at.
            Refusals.refuseAndClose(request, response, tooLarge(request.getLength()), callback, MAX_DRAIN_BYTES);
            return true;
        }
        if (route == Route.INVOKE) {
            trace(request, response);
        }
        if (route == Route.INVOKE && request.getMethod().equals("POST") && invokeWarm(request, response, callback, path.get(1))) {
            return true;
        }
        try {
            slowPath.execute(() -> handleBlocking(route, path, request, response, callback));
        } catch (RejectedExecutionException e) {
            refuse(request, response, callback, new ApiException.Throttling(
                    "Rate exceeded: too many data-plane requests waiting; retry later (" + e.getMessage() + ")"));
        }
        return true;
    }

    private void handleBlocking(Route route, List<String> path, Request request, Response response, Callback callback) {
        try {
            switch (route) {
                case INVOKE -> invoke(request, response, callback, path.get(1));
                case RESUME -> resume(request, response, callback, path.get(1));
                case STOP -> stop(request, response, callback, path.get(1));
                case AGENT_CARD -> agentCard(request, response, callback, path.get(1));
                case RESOURCE_METADATA -> resourceMetadata(request, response, callback, path.get(1));
                case NONE -> throw new IllegalStateException("unreachable");
            }
        } catch (RuntimeException e) {
            refuse(request, response, callback, RuntimeCallers.toApi(request, e, LOG));
        }
    }

    /** The hot path: true when it took the exchange, false to leave it to the path that may block. */
    private boolean invokeWarm(Request request, Response response, Callback callback, String label) {
        Optional<Deployment> deployment;
        Optional<McpSession> mcp;
        Optional<Exchange> exchange;
        try {
            CallerInputs inputs = CallerInputs.read(request, false);
            ModeledHeader.checkInvoke(request.getHeaders());
            if (!(request.getAttribute(Principal.REQUEST_ATTRIBUTE) instanceof Principal)) {
                return false; // a bearer token, or none: the runtime decides, and its authorizer may block
            }
            Principal caller = RuntimeCallers.caller(request);
            long routing = InvocationTrace.now();
            deployment = deployments.cached(RuntimeLabel.runtimeId(label, inputs.accountId(), identity, caller.tenant()),
                    inputs.qualifier()).filter(d -> Deployments.ownerOf(d).equals(caller.tenant()))
                    .filter(d -> CallerAuth.knownForHotPath(request, d));
            if (deployment.isPresent()) {
                countInvocation(request, deployment.get());
            }
            mcp = deployment.map(d -> McpSession.of(request.getHeaders(), inputs, d));
            long opening = InvocationTrace.now();
            exchange = deployment.flatMap(d -> sessions.tryOpen(d, caller.ownerKey(), mcp.get().sessionId()));
            if (exchange.isPresent()) {
                traceSession(request, deployment.get(), exchange.get(), routing, opening, InvocationTrace.now(), true);
            }
        } catch (ApiException e) {
            return false; // the other path finds the same problem and answers it
        } catch (QuotaRefusal e) {
            refuse(request, response, callback, e.toApi());
            return true;
        }
        if (exchange.isEmpty()) {
            return false;
        }
        try {
            proxy(request, response, callback, deployment.get(), exchange.get(), mcp.get());
        } catch (ApiException e) {
            refuse(request, response, callback, e);
        }
        return true;
    }

    private void invoke(Request request, Response response, Callback callback, String label) {
        CallerInputs inputs = CallerInputs.read(request, false);
        ModeledHeader.checkInvoke(request.getHeaders());
        long routing = InvocationTrace.now();
        var resolved = callers.resolve(request, response, label, inputs);
        Deployment deployment = resolved.deployment();
        String owner = resolved.caller().ownerKey();
        McpStreams.check(request, deployment, inputs);
        countInvocation(request, deployment);
        McpSession mcp = McpSession.of(request.getHeaders(), inputs, deployment);
        long opening = InvocationTrace.now();
        Exchange exchange = sessions.open(deployment, owner, mcp.sessionId());
        traceSession(request, deployment, exchange, routing, opening, InvocationTrace.now(), false);
        McpStreams.endSessionAfterDelete(request, mcp, () -> sessions.stop(
                new SessionKey(resolved.runtimeId(), inputs.qualifier(), owner, mcp.sessionId()),
                "stopped by the MCP client's DELETE of its MCP session"), slowPath);
        proxy(request, response, callback, deployment, exchange, mcp);
    }

    /** A caller whose SSE answer dropped comes back for the rest of it (docs/data-plane.md, Resumable streams). */
    private void resume(Request request, Response response, Callback callback, String label) {
        CallerInputs inputs = CallerInputs.read(request, false);
        var resolved = callers.resolve(request, response, label, inputs);
        streams.reattach(resolved.deployment(), inputs, resolved.caller().ownerKey(), request, response, callback);
    }

    /**
     * Sends the exchange to its agent. A body whose Content-Type waits on its first bytes is read without holding a
     * thread: the call starts on the thread that delivers them, and any failure from then on answers the caller there.
     */
    private void proxy(Request request, Response response, Callback callback, Deployment deployment, Exchange exchange,
            McpSession mcp) {
        // GET (an MCP server's stream) and DELETE (the end of an MCP session) carry no body.
        if (!request.getMethod().equals("POST")) {
            call(request, response, callback, deployment, exchange, mcp, null);
            return;
        }
        try {
            AgentRequestBody.whenTyped(request, maxPayloadBytes, request.getHeaders().get(HttpHeader.CONTENT_TYPE),
                    body -> {
                        try {
                            call(request, response, callback, deployment, exchange, mcp, body);
                        } catch (RuntimeException e) {
                            refuse(request, response, callback, RuntimeCallers.toApi(request, e, LOG));
                        }
                    },
                    unreadable -> {
                        exchange.close();
                        refuse(request, response, callback, unreadable);
                    });
        } catch (RuntimeException e) {
            exchange.close();
            throw e;
        }
    }

    private void call(Request request, Response response, Callback callback, Deployment deployment, Exchange exchange,
            McpSession mcp, AgentRequestBody body) {
        try {
            String accept = ContentNegotiation.accept(request.getHeaders().get(HttpHeader.ACCEPT));
            callerAuth.attachWorkloadToken(request, deployment, exchange.sessionId());
            new AgentCall(request, response, callback, exchange, freshSandbox(request, deployment)).withMcp(mcp).withResumableStreams(streams)
                    .withStreamedBytes(sessions::streamed).start(
                    agentClient, deployment, HttpMethod.fromString(request.getMethod()),
                    deployment.serverProtocol().invocationPath(), accept, RequestIds.of(request), body, timeouts);
        } catch (RuntimeException e) {
            exchange.close();
            throw e;
        }
    }

    /**
     * The one retry of a call whose agent was gone before a byte of the request reached it: the session ends as
     * agent-exited and the same session id gets a fresh sandbox (docs/data-plane.md, Faults).
     */
    private AgentCall.Retry freshSandbox(Request request, Deployment deployment) {
        return new AgentCall.Retry(slowPath, gone -> {
            sessions.endAgentGone(gone, "the agent could not be reached: its process has exited");
            return sessions.open(deployment, RuntimeCallers.caller(request).ownerKey(), gone.sessionId());
        }, failure -> RuntimeCallers.toApi(request, failure, LOG));
    }

    private void agentCard(Request request, Response response, Callback callback, String label) {
        CallerInputs inputs = CallerInputs.read(request, false);
        var resolved = callers.resolve(request, response, label, inputs);
        Deployment deployment = resolved.deployment();
        Exchange exchange = sessions.open(deployment, resolved.caller().ownerKey(), inputs.sessionId());
        callerAuth.attachWorkloadToken(request, deployment, exchange.sessionId());
        new AgentCall(request, response, callback, exchange, freshSandbox(request, deployment)).start(agentClient,
                deployment, HttpMethod.GET, "/.well-known/agent-card.json", "application/json", RequestIds.of(request),
                null, timeouts);
    }

    private void stop(Request request, Response response, Callback callback, String label) {
        CallerInputs inputs = CallerInputs.read(request, true);
        // Resolving first answers 404 for an unknown runtime or endpoint before looking for the session.
        var resolved = callers.resolve(request, response, label, inputs);
        String runtimeId = resolved.runtimeId();
        checkClientToken(request);
        // Only the caller's own session of that id: another principal's reads as no session at all.
        boolean stopped = sessions.stop(new SessionKey(runtimeId, inputs.qualifier(), resolved.caller().ownerKey(),
                inputs.sessionId()));
        if (!stopped) {
            throw ApiException.notFound("No live session " + inputs.sessionId() + " on agent runtime " + runtimeId
                    + " (endpoint " + inputs.qualifier() + ")");
        }
        response.getHeaders().put(AwsHeaders.SESSION_ID, inputs.sessionId());
        Replies.json(response, 200, Map.of(), callback);
    }

    /** GET .../invocations/.well-known/oauth-protected-resource: open to all, as OAuth clients ask before a token. */
    private void resourceMetadata(Request request, Response response, Callback callback, String label) {
        CallerInputs inputs = CallerInputs.read(request, false);
        Deployment deployment = callers.resolveNamed(label, inputs);
        Replies.json(response, 200, callerAuth.resourceMetadata(request, deployment, inputs.qualifier()), callback);
    }

    /**
     * Starts the invocation's trace, continuing the caller's {@code traceparent}; it is kept and queued for export
     * when the caller's exchange completes, however it ends.
     */
    private void trace(Request request, Response response) {
        InvocationTrace trace = tracing.start(request.getHeaders().get(AwsHeaders.TRACEPARENT));
        request.setAttribute(InvocationTrace.ATTRIBUTE, trace);
        trace.attribute(InvocationTrace.REQUEST_ID, RequestIds.of(request));
        Request.addCompletionListener(request, failure -> tracing.finish(trace, response.getStatus(),
                Optional.ofNullable(response.getHeaders().get(AwsHeaders.ERROR_TYPE))
                        .or(() -> Optional.ofNullable(failure).map(f -> f.getClass().getSimpleName()))));
    }

    /**
     * The route and session steps of the trace: a session whose start began after the request arrived was started
     * for it (or for a request beside it it waited with), cold or from a warm pool; otherwise it was warm already.
     */
    private static void traceSession(Request request, Deployment deployment, Exchange exchange, long routing,
            long opening, long opened, boolean warm) {
        if (!(request.getAttribute(InvocationTrace.ATTRIBUTE) instanceof InvocationTrace trace)) {
            return;
        }
        SessionStart start = exchange.start();
        boolean started = !warm && trace.at(start.createdAt()) >= routing;
        String kind = !started ? "warm" : start.pooled() ? "pooled" : "cold";
        trace.session(deployment.runtimeId(), deployment.endpointName(), exchange.sessionId(), Deployments.ownerOf(deployment));
        trace.attribute(InvocationTrace.ISOLATION, start.driver());
        trace.attribute(InvocationTrace.START, kind);
        trace.step("route", routing, opening, Map.of());
        String session = trace.step("session.open", opening, opened, Map.of(InvocationTrace.START, kind));
        if (started) {
            trace.step(session, start.pooled() ? "pool.claim" : "sandbox.start", trace.at(start.createdAt()),
                    start.readyAt().map(trace::at).orElse(opened),
                    Map.of(InvocationTrace.START, kind, InvocationTrace.ISOLATION, start.driver()));
        }
    }

    /** Takes one token of the endpoint's invocation rate, once per request; never waits. */
    private void countInvocation(Request request, Deployment deployment) {
        if (request.getAttribute(RATE_COUNTED) == null) {
            request.setAttribute(RATE_COUNTED, Boolean.TRUE);
            quotas.checkInvocation(Caller.of(deployment, RuntimeCallers.caller(request).ownerKey()), deployment);
        }
    }

    private static void checkClientToken(Request request) {
        if (request.getLength() == 0) {
            return;
        }
        var token = JsonBodies.read(request, 64 * 1024).get("clientToken");
        if (token != null && !token.isNull()) {
            String value = token.asString("");
            if (value.length() < 33 || value.length() > 256 || !CLIENT_TOKEN.matcher(value).matches()) {
                String message = "clientToken: " + value + " (expected: 33 to 256 letters, digits and hyphens)";
                throw ApiException.validation(message, new FieldError("clientToken", message));
            }
        }
    }

    private ApiException tooLarge(long length) {
        String message = "payload: " + length + " bytes (expected: at most " + maxPayloadBytes + " bytes)";
        return ApiException.validation(message, new FieldError("payload", message));
    }

    private static void refuse(Request request, Response response, Callback callback, ApiException error) {
        Refusals.refuse(request, response, error, callback,
                request.getAttribute(Principal.REQUEST_ATTRIBUTE) instanceof Principal ? MAX_DRAIN_BYTES
                        : MAX_UNAUTHENTICATED_DRAIN_BYTES);
    }

    private enum Route { INVOKE, RESUME, STOP, AGENT_CARD, RESOURCE_METADATA, NONE }

    private static Route route(List<String> path, String method) {
        if (path.size() < 3 || !path.get(0).equals("runtimes")) {
            return Route.NONE;
        }
        if (path.size() == 4 && path.get(3).isEmpty()) {
            path = path.subList(0, 3); // ".../invocations/", as A2A cards and some MCP clients write the URL
        }
        if (path.size() == 3 && path.get(2).equals("invocations")
                && (method.equals("POST") || method.equals("GET") || method.equals("DELETE"))) {
            return Route.INVOKE;
        }
        if (path.size() == 3 && path.get(2).equals("stopruntimesession") && method.equals("POST")) {
            return Route.STOP;
        }
        if (path.size() == 5 && path.get(2).equals("invocations") && path.get(3).equals(".well-known")
                && path.get(4).equals("agent-card.json") && method.equals("GET")) {
            return Route.AGENT_CARD;
        }
        if (path.size() == 5 && path.get(2).equals("invocations") && path.get(3).equals(".well-known")
                && path.get(4).equals("oauth-protected-resource") && method.equals("GET")) {
            return Route.RESOURCE_METADATA;
        }
        return Route.NONE;
    }
}
