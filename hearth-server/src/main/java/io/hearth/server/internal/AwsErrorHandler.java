package io.hearth.server.internal;

import io.hearth.api.ApiException;
import io.hearth.api.AwsHeaders;
import io.hearth.http.Replies;
import io.hearth.http.RequestIds;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty raises before any plane sees the request (malformed request lines, headers or URIs, oversized
 * headers, unknown HTTP versions) answer in the AWS error shape too, so SDK clients get a typed exception instead
 * of an HTML page. Malformed HTTP is the client's fault: it is a 400 {@code ValidationException}, never a 5xx
 * (Jetty reports an unknown HTTP version as 505, which AWS does not model).
 */
public final class AwsErrorHandler extends ErrorHandler {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = request.getAttribute(ERROR_STATUS) instanceof Integer code ? code : response.getStatus();
        String message = request.getAttribute(ERROR_MESSAGE) instanceof String text && !text.isBlank()
                ? text : "HTTP " + status;
        ApiException error = switch (status) {
            case 404 -> ApiException.notFound(message);
            case 505 -> malformed(request, message + " (expected: HTTP/1.0 or HTTP/1.1)");
            default -> status >= 400 && status < 500 ? malformed(request, message) : ApiException.internal(message, null);
        };
        if (response.isCommitted()) {
            callback.failed(new IllegalStateException(message));
            return true;
        }
        response.getHeaders().put(AwsHeaders.REQUEST_ID, RequestIds.assign(request));
        if (error instanceof ApiException.Validation) {
            // The rest of a malformed request cannot be framed: nothing after it on this connection can be trusted.
            response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        }
        Replies.error(response, error, callback);
        return true;
    }

    private static ApiException malformed(Request request, String message) {
        String target = request.getMethod() == null || request.getHttpURI() == null
                ? "" : " (" + request.getMethod() + " " + request.getHttpURI().getPath() + ")";
        return ApiException.cannotParse("Bad HTTP request: " + message + target);
    }
}
