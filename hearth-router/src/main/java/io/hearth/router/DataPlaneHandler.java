package io.hearth.router;

import static java.util.Objects.requireNonNull;

import io.hearth.api.ApiException;
import io.hearth.api.ErrorType;
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
import io.hearth.router.internal.DataPlaneCaller;
import io.hearth.router.internal.ModeledHeader;
import io.hearth.router.internal.RuntimeLabel;
import io.hearth.router.internal.SessionErrors;
import io.hearth.quota.Caller;
import io.hearth.quota.QuotaRefusal;
import io.hearth.quota.Quotas;
import io.hearth.session.Exchange;
import io.hearth.session.SessionException;
import io.hearth.session.SessionKey;
import io.hearth.session.SessionManager;
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
    /** Set on a request once its invocation took a token, so the slow path does not take a second. */
    private static final String RATE_COUNTED = DataPlaneHandler.class.getName() + ".rateCounted";

    public DataPlaneHandler(Deployments deployments, SessionManager sessions, HttpClient agentClient,
            AwsIdentity identity, AgentTimeouts timeouts, long maxPayloadBytes) {
        this(deployments, sessions, agentClient, identity, timeouts, maxPayloadBytes,
                Workers.bounded("hearth-data-plane", MAX_SLOW_RUNNING, MAX_SLOW_QUEUED), true, Quotas.unlimited(),
                Optional.empty());
    }

    /**
     * With the node's quotas (each invocation takes a token of its endpoint's rate first), and the key every
     * invocation's workload access token is signed with.
     */
    public DataPlaneHandler(Deployments deployments, SessionManager sessions, HttpClient agentClient,
            AwsIdentity identity, AgentTimeouts timeouts, long maxPayloadBytes, Quotas quotas,
            WorkloadTokens workloadTokens) {
        this(deployments, sessions, agentClient, identity, timeouts, maxPayloadBytes,
                Workers.bounded("hearth-data-plane", MAX_SLOW_RUNNING, MAX_SLOW_QUEUED), true, quotas,
                Optional.of(workloadTokens));
    }

    /** With the caller's executor for the path that may block; the caller closes it. */
    public DataPlaneHandler(Deployments deployments, SessionManager sessions, HttpClient agentClient,
            AwsIdentity identity, AgentTimeouts timeouts, long maxPayloadBytes, Workers slowPath) {
        this(deployments, sessions, agentClient, identity, timeouts, maxPayloadBytes, slowPath, false, Quotas.unlimited(),
                Optional.empty());
    }

    private DataPlaneHandler(Deployments deployments, SessionManager sessions, HttpClient agentClient,
            AwsIdentity identity, AgentTimeouts timeouts, long maxPayloadBytes, Workers slowPath, boolean ownsSlowPath,
            Quotas quotas, Optional<WorkloadTokens> workloadTokens) {
        super(InvocationType.NON_BLOCKING);
        this.quotas = requireNonNull(quotas, "quotas");
        this.callerAuth = new CallerAuth(workloadTokens);
        this.deployments = requireNonNull(deployments, "deployments");
        this.sessions = requireNonNull(sessions, "sessions");
        this.agentClient = requireNonNull(agentClient, "agentClient");
        this.identity = requireNonNull(identity, "identity");
        this.timeouts = requireNonNull(timeouts, "timeouts");
        if (maxPayloadBytes < 1) {
            throw new IllegalArgumentException("maxPayloadBytes: " + maxPayloadBytes + " (expected: positive)");
        }
        this.maxPayloadBytes = maxPayloadBytes;
        this.slowPath = requireNonNull(slowPath, "slowPath");
        this.ownsSlowPath = ownsSlowPath;
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
        Route route = route(path, request.getMethod());
        if (route == Route.NONE) {
            return false;
        }
        if (route == Route.INVOKE && request.getLength() > maxPayloadBytes) {
            // Refused before a byte of the body is read, and before anything else is looked at.
            Refusals.refuseAndClose(request, response, tooLarge(request.getLength()), callback, MAX_DRAIN_BYTES);
            return true;
        }
        if (route == Route.INVOKE && invokeWarm(request, response, callback, path.get(1))) {
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
                case STOP -> stop(request, response, callback, path.get(1));
                case AGENT_CARD -> agentCard(request, response, callback, path.get(1));
                case RESOURCE_METADATA -> resourceMetadata(request, response, callback, path.get(1));
                case NONE -> throw new IllegalStateException("unreachable");
            }
        } catch (ApiException e) {
            refuse(request, response, callback, e);
        } catch (SessionException e) {
            refuse(request, response, callback, SessionErrors.toApi(e));
        } catch (QuotaRefusal e) {
            refuse(request, response, callback, e.toApi());
        } catch (RuntimeException e) {
            LOG.error("{} {} failed", request.getMethod(), request.getHttpURI().getPath(), e);
            refuse(request, response, callback, ApiException.internal("Internal error; request id " + RequestIds.of(request), e));
        }
    }

    /** The hot path: true when it took the exchange, false to leave it to the path that may block. */
    private boolean invokeWarm(Request request, Response response, Callback callback, String label) {
        Optional<Deployment> deployment;
        Optional<Exchange> exchange;
        try {
            CallerInputs inputs = CallerInputs.read(request, false);
            ModeledHeader.checkInvoke(request.getHeaders());
            if (ContentNegotiation.mayRewrite(request.getHeaders().get(HttpHeader.CONTENT_TYPE))) {
                return false; // deciding the Content-Type waits for the body's first bytes: not on this thread
            }
            if (!(request.getAttribute(Principal.REQUEST_ATTRIBUTE) instanceof Principal)) {
                return false; // a bearer token, or none: the runtime decides, and its authorizer may block
            }
            Principal caller = caller(request);
            deployment = deployments.cached(RuntimeLabel.runtimeId(label, inputs.accountId(), identity, caller.tenant()),
                    inputs.qualifier()).filter(d -> Deployments.ownerOf(d).equals(caller.tenant()))
                    .filter(d -> CallerAuth.knownForHotPath(request, d));
            if (deployment.isPresent()) {
                countInvocation(request, deployment.get());
            }
            exchange = deployment.flatMap(d -> sessions.tryOpen(d, caller.ownerKey(), inputs.sessionId()));
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
            proxy(request, response, callback, deployment.get(), exchange.get());
        } catch (ApiException e) {
            refuse(request, response, callback, e);
        }
        return true;
    }

    private void invoke(Request request, Response response, Callback callback, String label) {
        CallerInputs inputs = CallerInputs.read(request, false);
        ModeledHeader.checkInvoke(request.getHeaders());
        authenticateUnsigned(request, response, label, inputs);
        Principal caller = caller(request);
        String runtimeId = RuntimeLabel.runtimeId(label, inputs.accountId(), identity, caller.tenant());
        Deployment deployment = resolve(caller, runtimeId, inputs.qualifier());
        callerAuth.authenticate(request, response, deployment, inputs.qualifier());
        countInvocation(request, deployment);
        proxy(request, response, callback, deployment, sessions.open(deployment, caller.ownerKey(), inputs.sessionId()));
    }

    private void proxy(Request request, Response response, Callback callback, Deployment deployment, Exchange exchange) {
        try {
            var body = AgentRequestBody.of(request, maxPayloadBytes, request.getHeaders().get(HttpHeader.CONTENT_TYPE));
            String accept = ContentNegotiation.accept(request.getHeaders().get(HttpHeader.ACCEPT));
            callerAuth.attachWorkloadToken(request, deployment, exchange.sessionId());
            new AgentCall(request, response, callback, exchange, freshSandbox(request, deployment)).start(agentClient,
                    deployment, HttpMethod.POST, deployment.serverProtocol().invocationPath(), accept,
                    RequestIds.of(request), body, timeouts);
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
            return sessions.open(deployment, caller(request).ownerKey(), gone.sessionId());
        }, failure -> switch (failure) {
            case ApiException e -> e;
            case SessionException e -> SessionErrors.toApi(e);
            case QuotaRefusal e -> e.toApi();
            default -> {
                LOG.error("{} {} failed on a fresh sandbox", request.getMethod(), request.getHttpURI().getPath(), failure);
                yield ApiException.internal("Internal error; request id " + RequestIds.of(request), failure);
            }
        });
    }

    private void agentCard(Request request, Response response, Callback callback, String label) {
        CallerInputs inputs = CallerInputs.read(request, false);
        authenticateUnsigned(request, response, label, inputs);
        Principal caller = caller(request);
        String runtimeId = RuntimeLabel.runtimeId(label, inputs.accountId(), identity, caller.tenant());
        Deployment deployment = resolve(caller, runtimeId, inputs.qualifier());
        callerAuth.authenticate(request, response, deployment, inputs.qualifier());
        Exchange exchange = sessions.open(deployment, caller.ownerKey(), inputs.sessionId());
        callerAuth.attachWorkloadToken(request, deployment, exchange.sessionId());
        new AgentCall(request, response, callback, exchange, freshSandbox(request, deployment)).start(agentClient,
                deployment, HttpMethod.GET, "/.well-known/agent-card.json", "application/json", RequestIds.of(request),
                null, timeouts);
    }

    private void stop(Request request, Response response, Callback callback, String label) {
        CallerInputs inputs = CallerInputs.read(request, true);
        authenticateUnsigned(request, response, label, inputs);
        Principal caller = caller(request);
        String runtimeId = RuntimeLabel.runtimeId(label, inputs.accountId(), identity, caller.tenant());
        // Resolving first answers 404 for an unknown runtime or endpoint before looking for the session.
        callerAuth.authenticate(request, response, resolve(caller, runtimeId, inputs.qualifier()), inputs.qualifier());
        checkClientToken(request);
        // Only the caller's own session of that id: another principal's reads as no session at all.
        boolean stopped = sessions.stop(new SessionKey(runtimeId, inputs.qualifier(), caller.ownerKey(), inputs.sessionId()));
        if (!stopped) {
            throw ApiException.notFound("No live session " + inputs.sessionId() + " on agent runtime " + runtimeId
                    + " (endpoint " + inputs.qualifier() + ")");
        }
        response.getHeaders().put(AwsHeaders.SESSION_ID, inputs.sessionId());
        Replies.json(response, 200, Map.of(), callback);
    }

    /**
     * The deployment, or, for a runtime or endpoint that exists but is not READY yet, the data plane's retryable
     * 409 ({@code RetryableConflictException}), which says "the same call succeeds later".
     */
    private Deployment resolve(Principal caller, String runtimeId, String qualifier) {
        try {
            return deployments.resolve(caller.tenant(), runtimeId, qualifier);
        } catch (ApiException.Conflict e) {
            throw new ApiException.RetryableConflict(e.getMessage());
        }
    }

    /**
     * A call the edge let through without a principal (a bearer token, or no credentials at all) is judged by the
     * runtime it names: a JWT runtime's authorizer verifies the token and the caller becomes its principal; any other
     * runtime, or none, refuses it the same way, so such a caller learns nothing about which runtimes exist.
     */
    private void authenticateUnsigned(Request request, Response response, String label, CallerInputs inputs) {
        if (request.getAttribute(Principal.REQUEST_ATTRIBUTE) instanceof Principal) {
            return;
        }
        Deployment deployment;
        try {
            deployment = resolveNamed(label, inputs);
        } catch (ApiException.NotFound e) {
            throw CallerAuth.refusedWithoutPrincipal(request.getHeaders().get(HttpHeader.AUTHORIZATION));
        }
        if (!deployment.jwtAuthorized()) {
            throw CallerAuth.refusedWithoutPrincipal(request.getHeaders().get(HttpHeader.AUTHORIZATION));
        }
        callerAuth.authenticate(request, response, deployment, inputs.qualifier());
    }

    /** GET .../invocations/.well-known/oauth-protected-resource: open to all, as OAuth clients ask before a token. */
    private void resourceMetadata(Request request, Response response, Callback callback, String label) {
        CallerInputs inputs = CallerInputs.read(request, false);
        Deployment deployment = resolveNamed(label, inputs);
        Replies.json(response, 200, callerAuth.resourceMetadata(request, deployment, inputs.qualifier()), callback);
    }

    /** The deployment a label names, in the account the label names (for callers whose tenant is not known yet). */
    private Deployment resolveNamed(String label, CallerInputs inputs) {
        String tenant = CallerAuth.namedTenant(label, inputs.accountId(), identity);
        String runtimeId = RuntimeLabel.runtimeId(label, inputs.accountId(), identity, tenant);
        try {
            return deployments.resolve(tenant, runtimeId, inputs.qualifier());
        } catch (ApiException.Conflict e) {
            throw new ApiException.RetryableConflict(e.getMessage());
        }
    }

    /** The caller the edge authenticated, refined by the end user it acts for where it may. */
    private static Principal caller(Request request) {
        return DataPlaneCaller.of(request).orElseThrow(() -> new ApiException.NotAuthenticated(
                ErrorType.MISSING_AUTHENTICATION_TOKEN, "Missing Authentication Token"));
    }

    /** Takes one token of the endpoint's invocation rate, once per request; never waits. */
    private void countInvocation(Request request, Deployment deployment) {
        if (request.getAttribute(RATE_COUNTED) == null) {
            request.setAttribute(RATE_COUNTED, Boolean.TRUE);
            quotas.checkInvocation(Caller.of(deployment, caller(request).ownerKey()), deployment);
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

    private enum Route { INVOKE, STOP, AGENT_CARD, RESOURCE_METADATA, NONE }

    private static Route route(List<String> path, String method) {
        if (path.size() < 3 || !path.get(0).equals("runtimes")) {
            return Route.NONE;
        }
        if (path.size() == 3 && path.get(2).equals("invocations") && method.equals("POST")) {
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
