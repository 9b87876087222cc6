package io.hearth.sdk.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;

/** Blocking writes on the handler's virtual thread: each returns once Jetty has taken the bytes. */
final class Replies {
    static final String JSON = "application/json; charset=utf-8";

    private Replies() {}

    static void whole(Response response, int status, String contentType, byte[] body) throws IOException {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        write(response, true, body);
    }

    static void write(Response response, boolean last, byte[] bytes) throws IOException {
        try (Blocker.Callback blocker = Blocker.callback()) {
            response.write(last, ByteBuffer.wrap(bytes), blocker);
            blocker.block();
        }
    }
}
