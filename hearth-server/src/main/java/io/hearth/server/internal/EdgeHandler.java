package io.hearth.server.internal;

import io.hearth.api.ApiException;
import io.hearth.api.AwsHeaders;
import io.hearth.http.Replies;
import io.hearth.http.RequestIds;
import java.util.List;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge of the server: gives every request its {@code x-amzn-RequestId}, offers it to the data plane on the
 * network thread (it never blocks there, and its warm path is the hot one), and otherwise to the other planes on a
 * virtual thread (they block on the store and on bodies). Anything unclaimed or unexpected becomes the AWS error shape.
 */
public final class EdgeHandler extends Handler.Abstract.NonBlocking {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeHandler.class);

    private final Handler dataPlane;
    private final List<Handler> planes;

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
        super.doStart();
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
        Thread.ofVirtual().name("hearth-api").start(() -> {
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
        });
        return true;
    }

    private static void fail(Request request, Response response, Callback callback, String requestId, Exception e) {
        if (e instanceof ApiException api) {
            Replies.error(response, api, callback);
            return;
        }
        LOG.error("request {} {} ({}) failed", request.getMethod(), request.getHttpURI().getPath(), requestId, e);
        if (response.isCommitted()) {
            callback.failed(e);
        } else {
            Replies.error(response, ApiException.internal("Internal error; request id " + requestId, e), callback);
        }
    }
}
