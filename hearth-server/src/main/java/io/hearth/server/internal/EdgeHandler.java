package io.hearth.server.internal;

import io.hearth.api.ApiException;
import io.hearth.api.AwsHeaders;
import io.hearth.api.Workers;
import io.hearth.http.Refusals;
import io.hearth.http.RequestIds;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge of the server: gives every request its {@code x-amzn-RequestId}, authenticates it ({@link EdgeAuth}), offers it to the data plane on the
 * network thread (it never blocks there, and its warm path is the hot one), and otherwise to the other planes on a
 * bounded set of virtual threads (they block on the store and on bodies). Anything unclaimed or unexpected becomes
 * the AWS error shape.
 */
public final class EdgeHandler extends Handler.Abstract.NonBlocking {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeHandler.class);
    /** Control-plane and Hearth API calls in progress at once, and waiting for a turn; more are throttled. */
    private static final int MAX_RUNNING = 1_024;
    private static final int MAX_QUEUED = 4_096;
    /** A refused body up to this size is read to its end so the client hears the refusal; a larger one is cut. */
    private static final long MAX_DRAIN_BYTES = 64L << 20;

    /** A request refused for its credentials has this much of its body read so the client hears the refusal. */
    private static final long MAX_UNAUTHENTICATED_DRAIN_BYTES = 1L << 20;

    private final EdgeAuth auth;
    private final Handler dataPlane;
    private final List<Handler> planes;
    private volatile Workers workers;

    /**
     * @param auth      who a request comes from, decided before any plane sees it
     * @param dataPlane a handler that never blocks its caller
     * @param planes    the others, asked in order on a virtual thread
     */
    public EdgeHandler(EdgeAuth auth, Handler dataPlane, List<Handler> planes) {
        this.auth = auth;
        this.dataPlane = dataPlane;
        this.planes = List.copyOf(planes);
    }

    @Override
    protected void doStart() throws Exception {
        for (Handler plane : planes) {
            plane.setServer(getServer());
            addBean(plane, true);
        }
        dataPlane.setServer(getServer());
        addBean(dataPlane, true);
        workers = Workers.bounded("hearth-api", MAX_RUNNING, MAX_QUEUED);
        super.doStart();
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop();
        workers.close(Duration.ofSeconds(1));
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String requestId = RequestIds.assign(request);
        response.getHeaders().put(AwsHeaders.REQUEST_ID, requestId);
        EdgeAuth.Outcome admitted;
        try {
            admitted = auth.admit(request);
        } catch (ApiException e) {
            Refusals.refuse(request, response, e, callback, MAX_UNAUTHENTICATED_DRAIN_BYTES);
            return true;
        }
        switch (admitted) {
            case EdgeAuth.Outcome.Proceed proceed -> dispatch(proceed.request(), response, callback, requestId);
            case EdgeAuth.Outcome.ReadFirst deferred -> {
                try {
                    workers.execute(() -> handleDeferred(request, deferred, response, callback, requestId));
                } catch (RejectedExecutionException e) {
                    fail(request, response, callback, requestId, new ApiException.Throttling(
                            "Rate exceeded: too many requests in progress; retry later (" + e.getMessage() + ")"));
                }
            }
        }
        return true;
    }

    /** The body's signature is known only at its end: nothing acts on the request before it is read and checked. */
    private void handleDeferred(Request request, EdgeAuth.Outcome.ReadFirst deferred, Response response,
            Callback callback, String requestId) {
        Request checked;
        try {
            checked = auth.readFirst(request, deferred);
        } catch (ApiException e) {
            Refusals.refuseAndClose(request, response, e, callback, MAX_UNAUTHENTICATED_DRAIN_BYTES);
            return;
        }
        try {
            if (dataPlane.handle(checked, response, callback)) {
                return;
            }
        } catch (Exception e) {
            fail(checked, response, callback, requestId, e);
            return;
        }
        handleBlocking(checked, response, callback, requestId);
    }

    private void dispatch(Request request, Response response, Callback callback, String requestId) {
        try {
            if (dataPlane.handle(request, response, callback)) {
                return;
            }
        } catch (Exception e) {
            fail(request, response, callback, requestId, e);
            return;
        }
        try {
            workers.execute(() -> handleBlocking(request, response, callback, requestId));
        } catch (RejectedExecutionException e) {
            fail(request, response, callback, requestId, new ApiException.Throttling(
                    "Rate exceeded: too many requests in progress; retry later (" + e.getMessage() + ")"));
        }
    }

    private void handleBlocking(Request request, Response response, Callback callback, String requestId) {
        try {
            for (Handler plane : planes) {
                if (plane.handle(request, response, callback)) {
                    return;
                }
            }
            throw ApiException.notFound("No operation at " + request.getMethod() + " " + request.getHttpURI().getPath()
                    + " (expected: an AgentCore runtime operation, or /hearth/v1/...)");
        } catch (Exception e) {
            fail(request, response, callback, requestId, e);
        }
    }

    private static void fail(Request request, Response response, Callback callback, String requestId, Exception e) {
        if (request instanceof CheckedBody checked && checked.mismatch().isPresent()) {
            // The body did not match its signature: that, not what the handler made of the failed read, is the answer.
            Refusals.refuseAndClose(request, response, checked.mismatch().get().toApiException(), callback, 0);
            return;
        }
        if (e instanceof ApiException api) {
            Refusals.refuse(request, response, api, callback, MAX_DRAIN_BYTES);
            return;
        }
        LOG.error("request {} {} ({}) failed", request.getMethod(), request.getHttpURI().getPath(), requestId, e);
        Refusals.refuse(request, response, ApiException.internal("Internal error; request id " + requestId, e), callback,
                MAX_DRAIN_BYTES);
    }
}
