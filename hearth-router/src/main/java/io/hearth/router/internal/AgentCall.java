package io.hearth.router.internal;

import static java.util.Objects.requireNonNull;

import io.hearth.api.ApiException;
import io.hearth.api.AwsHeaders;
import io.hearth.http.Replies;
import io.hearth.deployment.Deployment;
import io.hearth.deployment.ServerProtocol;
import io.hearth.router.AgentTimeouts;
import io.hearth.router.tracing.InvocationTrace;
import io.hearth.session.EndReason;
import io.hearth.session.Exchange;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ObjLongConsumer;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One proxied exchange, named by leg: caller→proxy (the caller's request), proxy→agent (a Jetty client request
 * whose body is the caller's body), agent→proxy (the agent's response as a content source) and proxy→caller
 * (the caller's response). Bytes move only when the receiving side has taken the previous chunk: the caller
 * can never make Hearth buffer a body, and neither can the agent. Whoever first learns the outcome (the
 * agent's response headers, or a failure before them) owns the caller's response; the other side stands down.
 *
 * <p>A call given a {@link Retry} sends the caller's request once more, on a fresh sandbox of the same session, when
 * the agent proved gone before a byte of the request was sent to it: no connection was made, nothing of the body was
 * pulled, and nothing was answered yet. Once any of that happened it never does, since the agent may have acted on
 * what it got.
 */
public final class AgentCall {
    private static final Logger LOG = LoggerFactory.getLogger(AgentCall.class);
    private static final int ERROR_BODY_BYTES = 4096;

    private final Request callerRequest;
    private final Response callerResponse;
    private final Callback callerCallback;
    private final Exchange session;
    private final Optional<Retry> retry;
    /** How long a retry waits for a silent agent's sandbox to report how it ended. */
    private static final Duration DEATH_WAIT = Duration.ofSeconds(1);
    private final AtomicBoolean responding = new AtomicBoolean();
    private final AtomicBoolean finished = new AtomicBoolean();
    /** Set once the agent request has a connection and starts going out: from then on, never retried. */
    private final AtomicBoolean begun = new AtomicBoolean();
    private org.eclipse.jetty.client.Request agentRequest;
    private AgentRequestBody body;
    private java.util.function.BiConsumer<Exchange, AgentRequestBody> sendAgain;
    private McpSession mcp;
    private Deployment deployment;
    private Optional<ResumableStreams> resumable = Optional.empty();
    /** Told the size of each chunk of the agent's answer, with the exchange it is on (budgets count it). */
    private ObjLongConsumer<Exchange> streamed = (exchange, bytes) -> {};
    /** Set once a resumable stream took over the agent's answer: the caller's end no longer ends the exchange. */
    private volatile boolean handedOver;

    /**
     * How a request whose agent was gone gets a fresh sandbox: {@code fresh} ends the gone exchange's session and
     * opens the same session id anew (it blocks, on {@code executor}); {@code errors} turns what it throws into the
     * caller's answer.
     */
    public record Retry(Executor executor, Function<Exchange, Exchange> fresh, Function<RuntimeException, ApiException> errors) {
        public Retry {
            requireNonNull(executor, "executor");
            requireNonNull(fresh, "fresh");
            requireNonNull(errors, "errors");
        }
    }

    public AgentCall(Request callerRequest, Response callerResponse, Callback callerCallback, Exchange session) {
        this(callerRequest, callerResponse, callerCallback, session, Optional.empty());
    }

    public AgentCall(Request callerRequest, Response callerResponse, Callback callerCallback, Exchange session, Retry retry) {
        this(callerRequest, callerResponse, callerCallback, session, Optional.of(retry));
    }

    private AgentCall(Request callerRequest, Response callerResponse, Callback callerCallback, Exchange session,
            Optional<Retry> retry) {
        this.callerRequest = callerRequest;
        this.callerResponse = callerResponse;
        this.callerCallback = callerCallback;
        this.session = session;
        this.retry = retry;
        this.mcp = new McpSession(session.sessionId(), false);
    }

    /** How the call's {@code Mcp-Session-Id} crosses the proxy, for a session Hearth chose for an MCP caller. */
    public AgentCall withMcp(McpSession mcp) {
        this.mcp = mcp;
        return this;
    }

    /** Counts the agent's answer, chunk by chunk, against the session's streamed-bytes budget (docs/budgets.md). */
    public AgentCall withStreamedBytes(ObjLongConsumer<Exchange> meter) {
        this.streamed = java.util.Objects.requireNonNull(meter, "meter");
        return this;
    }

    /** SSE answers are numbered and held for callers that reattach (docs/data-plane.md, Resumable streams). */
    public AgentCall withResumableStreams(ResumableStreams streams) {
        this.resumable = Optional.of(streams);
        return this;
    }

    /** Sends the proxy→agent request; returns at once, the rest happens as bytes arrive. */
    public void start(HttpClient client, Deployment deployment, HttpMethod method, String path,
            String accept, String requestId, AgentRequestBody body, AgentTimeouts timeouts) {
        this.body = body;
        this.deployment = deployment;
        this.sendAgain = (fresh, sameBody) -> new AgentCall(callerRequest, callerResponse, callerCallback, fresh).withMcp(mcp)
                .withResumable(resumable).withStreamedBytes(streamed)
                .start(client, deployment, method, path, accept, requestId, sameBody, timeouts);
        agentRequest = client.newRequest(session.agent().getHostString(), session.agent().getPort())
                .method(method)
                .path(path)
                .timeout(timeouts.total().toMillis(), TimeUnit.MILLISECONDS)
                .idleTimeout(timeouts.idle().toMillis(), TimeUnit.MILLISECONDS)
                .headers(headers -> {
                    headers.remove(HttpHeader.USER_AGENT);
                    headers.remove(HttpHeader.ACCEPT_ENCODING);
                    AgentHeaders.toAgent(callerRequest.getHeaders(), deployment, session.sessionId(), requestId,
                            Optional.ofNullable((String) callerRequest.getAttribute(CallerAuth.WORKLOAD_TOKEN)), headers);
                    headers.put(HttpHeader.ACCEPT, accept);
                    mcp.toAgent(session, headers);
                    if (callerRequest.getAttribute(InvocationTrace.ATTRIBUTE) instanceof InvocationTrace trace) {
                        // The agent's spans join the invocation's trace, under the span of this call.
                        headers.put(AwsHeaders.TRACEPARENT, trace.agentCall());
                    }
                })
                .onRequestBegin(request -> begun.set(true))
                .onResponseContentSource(this::agentResponded);
        if (body != null) {
            agentRequest.body(body);
        }
        Request.addCompletionListener(callerRequest, failure -> {
            if (handedOver) {
                return; // the resumable stream ends the exchange and the agent's answer, not its caller
            }
            // The caller's exchange is over, however it ended: the session is no longer busy with it.
            session.close();
            if (failure != null) {
                agentRequest.abort(failure);
            }
        });
        session.onAbort(reason -> agentRequest.abort(new SessionEnded(reason)));
        agentRequest.send(this::agentCompleted);
    }

    /** Agent→proxy: the agent's status and headers are here; its body follows through {@code content}. */
    private void agentResponded(org.eclipse.jetty.client.Response agentResponse, Content.Source agentContent) {
        int status = agentResponse.getStatus();
        Content.Source content = new MeteredSource(agentContent, bytes -> streamed.accept(session, bytes));
        if (callerRequest.getAttribute(InvocationTrace.ATTRIBUTE) instanceof InvocationTrace trace) {
            trace.agentAnswered(status);
        }
        // MCP clients act on the server's own statuses (404: session gone, 405: no stream here), so an MCP agent's
        // answer passes as it is; other agents' errors become RuntimeClientError.
        if (status / 100 != 2 && deployment.serverProtocol() != ServerProtocol.MCP) {
            // The caller gets RuntimeClientError with the start of the agent's answer, never the raw error. The
            // answer is claimed first: cutting a long body short must not read as a failure to reach the agent.
            if (!responding.compareAndSet(false, true)) {
                content.fail(new IOException("the caller's response was already answered"));
                return;
            }
            long length = agentResponse.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
            ErrorBodyStart.read(content, ERROR_BODY_BYTES, length, text -> replyError(ApiException.runtimeClient(
                    "Received error (" + status + ") from the agent of session " + session.sessionId() + ": " + text)));
            return;
        }
        if (!responding.compareAndSet(false, true)) {
            content.fail(new IOException("the caller's response was already answered"));
            return;
        }
        callerResponse.setStatus(status);
        AgentHeaders.toCaller(agentResponse.getHeaders(), callerResponse.getHeaders());
        mcp.toCaller(session, agentResponse.getHeaders(), callerResponse.getHeaders());
        callerResponse.getHeaders().put(AwsHeaders.SESSION_ID, session.sessionId());
        // Proxy→caller: every chunk is written as it arrives (SSE events reach the caller one by one).
        if (status / 100 == 2 && resumable.isPresent() && resumable.get().numbers(agentResponse.getHeaders())) {
            handedOver = true;
            resumable.get().relay(session, content, agentRequest::abort, callerResponse, callerCallback);
            return;
        }
        Content.copy(content, callerResponse, Callback.from(this::succeed, this::streamFailed));
    }

    private AgentCall withResumable(Optional<ResumableStreams> streams) {
        this.resumable = streams;
        return this;
    }

    /** The proxy→agent exchange is over; a failure that came before any response is reported here. */
    private void agentCompleted(Result result) {
        if (!result.isFailed()) {
            return;
        }
        Throwable failure = result.getFailure();
        if (retry.isPresent() && !begun.get() && (body == null || body.untouched()) && AgentGone.before(failure)
                && responding.compareAndSet(false, true)) {
            retryOnFreshSandbox(retry.get(), failure, body, false);
            return;
        }
        // Sent, then the connection closed with no answer: a pooled connection to an agent killed a moment before (its
        // exit not yet noticed) looks just like an agent that died reading the call. A kept body goes again once, to a
        // fresh sandbox, only when the agent was killed from outside, which the call cannot have caused.
        Optional<AgentRequestBody> again = body == null ? Optional.empty() : body.again();
        if (retry.isPresent() && begun.get() && (body == null || again.isPresent()) && AgentGone.closedBeforeAnswer(failure)
                && responding.compareAndSet(false, true)) {
            retryOnFreshSandbox(retry.get(), failure, again.orElse(null), true);
            return;
        }
        if (body != null && body.untouched()) {
            body.abandon(failure); // as a failed send fails a body it pulled from
        }
        if (responding.compareAndSet(false, true)) {
            replyError(describe(failure));
        }
    }

    /**
     * Nothing of the request reached an agent and nothing of the answer reached the caller: the same request goes
     * to a fresh sandbox of the same session, once (that call has no retry of its own).
     */
    private void retryOnFreshSandbox(Retry retry, Throwable failure, AgentRequestBody sameBody, boolean onlyIfDead) {
        try {
            retry.executor().execute(() -> {
                if (onlyIfDead && !session.killedFromOutside(DEATH_WAIT)) {
                    // Alive, or it ended by itself (the call may have made it crash): the caller hears so, no retry.
                    replyError(describe(failure));
                    return;
                }
                LOG.info("session {}: the agent of sandbox {} at {} was gone before it answered ({}); sending the"
                        + " request to a fresh sandbox", session.sessionId(), session.sandboxId(), session.agent(),
                        failure.toString());
                Exchange fresh;
                try {
                    fresh = retry.fresh().apply(session);
                } catch (RuntimeException e) {
                    giveUp(retry.errors().apply(e));
                    return;
                }
                try {
                    sendAgain.accept(fresh, sameBody);
                } catch (RuntimeException e) {
                    fresh.close();
                    giveUp(retry.errors().apply(e));
                }
            });
        } catch (RejectedExecutionException e) {
            giveUp(new ApiException.Throttling("Rate exceeded: too many data-plane requests waiting; retry later ("
                    + e.getMessage() + ")"));
        }
    }

    private void giveUp(ApiException error) {
        if (body != null) {
            body.abandon(error);
        }
        replyError(error);
    }

    private void streamFailed(Throwable failure) {
        agentRequest.abort(failure);
        if (!callerResponse.isCommitted()) {
            // Not a byte reached the caller yet (the agent cut its answer after the headers): it can still get
            // a proper RuntimeClientError instead of a server error.
            replyError(describe(failure));
            return;
        }
        if (session.abortedBy().filter(AgentCall::endsStreamsCleanly).isPresent() && !callerResponse.hasLastWrite()) {
            // The session was stopped mid-stream: end the caller's stream properly rather than cut it.
            callerResponse.write(true, null, Callback.from(this::succeed, this::failCaller));
            return;
        }
        failCaller(failure);
    }

    /**
     * Whether a session that ended this way ends its streams as complete. An agent that crashed or stopped
     * answering left its answer unfinished, and the caller must be able to tell: its stream is cut.
     */
    static boolean endsStreamsCleanly(EndReason reason) {
        return switch (reason) {
            // A used-up budget cuts the answer too: a caller must not take a truncated answer for a whole one.
            case AGENT_EXITED, OOM, UNHEALTHY, BUDGET -> false;
            default -> true;
        };
    }

    private void replyError(ApiException error) {
        if (callerResponse.isCommitted()) {
            failCaller(error);
            return;
        }
        callerResponse.reset();
        callerResponse.getHeaders().put(AwsHeaders.REQUEST_ID, io.hearth.http.RequestIds.of(callerRequest));
        callerResponse.getHeaders().put(AwsHeaders.SESSION_ID, session.sessionId());
        Replies.error(callerResponse, error, Callback.from(this::succeed, this::failCaller));
    }

    private void succeed() {
        if (finished.compareAndSet(false, true)) {
            callerCallback.succeeded();
        }
    }

    private void failCaller(Throwable failure) {
        if (finished.compareAndSet(false, true)) {
            callerCallback.failed(failure);
        }
    }

    private ApiException describe(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && !(cause instanceof AgentRequestBody.PayloadTooLarge) && !(cause instanceof SessionEnded)) {
            cause = cause.getCause();
        }
        String where = "the agent of session " + session.sessionId() + " at " + session.agent();
        if (cause instanceof java.net.SocketException || cause instanceof EOFException) {
            session.agentUnreachable(); // it may have died: the session checks before the next request enters
        }
        return switch (cause) {
            case AgentRequestBody.PayloadTooLarge tooLarge -> tooLarge.asApiError();
            case SessionEnded ended when ended.reason == EndReason.BUDGET -> new ApiException.QuotaExceeded("session "
                    + session.sessionId() + " ended while the request was in flight (budget: " + session.endDetail() + ")");
            case SessionEnded ended -> ApiException.runtimeClient("session " + session.sessionId()
                    + " ended while the request was in flight (" + ended.reason.wireName() + ")");
            case ApiException api -> api;
            case ConnectException e -> ApiException.runtimeClient("Could not connect to " + where + ": " + e.getMessage(), e);
            case TimeoutException e -> ApiException.runtimeClient("Timed out waiting for " + where + ": " + e.getMessage(), e);
            case EOFException e -> ApiException.runtimeClient(where + " closed the connection before answering (did it crash?)", e);
            default -> ApiException.runtimeClient("Failed to reach " + where + ": " + cause, cause);
        };
    }

    /** The session ended (stopped, idle, deleted) while this exchange was in flight. */
    static final class SessionEnded extends RuntimeException {
        final EndReason reason;

        SessionEnded(EndReason reason) {
            super("session ended: " + reason.wireName(), null, false, false);
            this.reason = reason;
        }
    }
}
