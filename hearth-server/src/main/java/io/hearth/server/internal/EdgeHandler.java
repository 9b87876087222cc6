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
 * The edge of the server: gives every request its {@code x-amzn-RequestId}, offers it to the data plane on the
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

    private final Handler dataPlane;
    private final List<Handler> planes;
    private volatile Workers workers;

    /**
     * @param dataPlane a handler that never blocks its caller
     * @param planes    the others, asked in order on a virtual thread
     */
    public EdgeHandler(Handler dataPlane, List<Handler> planes) {
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
        try {
            if (dataPlane.handle(request, response, callback)) {
                return true;
            }
        } catch (Exception e) {
            fail(request, response, callback, requestId, e);
            return true;
        }
        try {
            workers.execute(() -> handleBlocking(request, response, callback, requestId));
        } catch (RejectedExecutionException e) {
            fail(request, response, callback, requestId, new ApiException.Throttling(
                    "Rate exceeded: too many requests in progress; retry later (" + e.getMessage() + ")"));
        }
        return true;
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
        if (e instanceof ApiException api) {
            Refusals.refuse(request, response, api, callback, MAX_DRAIN_BYTES);
            return;
        }
        LOG.error("request {} {} ({}) failed", request.getMethod(), request.getHttpURI().getPath(), requestId, e);
        Refusals.refuse(request, response, ApiException.internal("Internal error; request id " + requestId, e), callback,
                MAX_DRAIN_BYTES);
    }
}
