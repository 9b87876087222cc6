package io.hearth.server.internal;

import io.hearth.api.ApiException;
import io.hearth.api.AwsHeaders;
import io.hearth.http.Replies;
import io.hearth.http.RequestIds;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty raises before any plane sees the request (malformed URIs, oversized headers) answer in the AWS
 * error shape too, so SDK clients get a typed exception instead of an HTML page.
 */
public final class AwsErrorHandler extends ErrorHandler {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = request.getAttribute(ERROR_STATUS) instanceof Integer code ? code : response.getStatus();
        String message = request.getAttribute(ERROR_MESSAGE) instanceof String text && !text.isBlank()
                ? text : "HTTP " + status;
        ApiException error = switch (status) {
            case 404 -> ApiException.notFound(message);
            case 400, 413, 414, 431 -> ApiException.cannotParse(message + " (" + request.getMethod() + " "
                    + request.getHttpURI().getPath() + ")");
            default -> ApiException.internal(message, null);
        };
        if (response.isCommitted()) {
            callback.failed(new IllegalStateException(message));
            return true;
        }
        response.getHeaders().put(AwsHeaders.REQUEST_ID, RequestIds.assign(request));
        Replies.error(response, error, callback);
        return true;
    }
}
