package io.hearth.server.internal;

import io.hearth.api.ApiException;
import io.hearth.api.AwsHeaders;
import io.hearth.api.Replies;
import io.hearth.api.RequestIds;
import java.util.List;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge of the server: gives every request its {@code x-amzn-RequestId}, offers it to each plane in turn
 * (data plane first: its paths are the hot ones), and turns anything unclaimed or unexpected into the AWS
 * error shape.
 */
public final class EdgeHandler extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeHandler.class);

    private final List<Handler> planes;

    public EdgeHandler(List<Handler> planes) {
        this.planes = List.copyOf(planes);
    }

    @Override
    protected void doStart() throws Exception {
        for (Handler plane : planes) {
            plane.setServer(getServer());
            addBean(plane, true);
        }
        super.doStart();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String requestId = RequestIds.assign(request);
        response.getHeaders().put(AwsHeaders.REQUEST_ID, requestId);
        try {
            for (Handler plane : planes) {
                if (plane.handle(request, response, callback)) {
                    return true;
                }
            }
            throw ApiException.notFound("No operation at " + request.getMethod() + " " + request.getHttpURI().getPath()
                    + " (expected: an AgentCore runtime operation, or /hearth/v1/...)");
        } catch (ApiException e) {
            Replies.error(response, e, callback);
        } catch (Exception e) {
            LOG.error("request {} {} ({}) failed", request.getMethod(), request.getHttpURI().getPath(), requestId, e);
            if (response.isCommitted()) {
                callback.failed(e);
            } else {
                Replies.error(response, ApiException.internal("Internal error; request id " + requestId, e), callback);
            }
        }
        return true;
    }
}
