package io.hearth.http;

import io.hearth.api.AwsHeaders;
import io.hearth.api.Json;
import io.hearth.api.ApiException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Writes whole, small JSON replies: control-plane results and errors. Bodies that stream never come here. */
public final class Replies {
    private static final String JSON = "application/json";

    private Replies() {}

    public static void json(Response response, int status, Object body, Callback callback) {
        byte[] bytes = Json.write(body);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }

    public static void empty(Response response, int status, Callback callback) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0);
        response.write(true, null, callback);
    }

    /** The error shape both SDKs parse: the header for Java and JS, {@code __type} as the fallback. */
    public static void error(Response response, ApiException error, Callback callback) {
        var body = new LinkedHashMap<String, Object>();
        body.put("message", error.getMessage());
        body.put("__type", error.type().wireName());
        body.putAll(error.members());
        response.getHeaders().put(AwsHeaders.ERROR_TYPE, error.type().wireName());
        json(response, error.type().status(), body, callback);
    }
}
