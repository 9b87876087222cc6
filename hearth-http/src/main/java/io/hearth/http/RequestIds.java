package io.hearth.http;

import java.util.UUID;
import org.eclipse.jetty.server.Request;

/** Every request gets one id, returned as {@code x-amzn-RequestId} and handed to the agent. */
public final class RequestIds {
    private static final String ATTRIBUTE = "io.hearth.requestId";

    private RequestIds() {}

    /** Assigns the request its id (once, at the edge of the server) and returns it. */
    public static String assign(Request request) {
        String id = UUID.randomUUID().toString();
        request.setAttribute(ATTRIBUTE, id);
        return id;
    }

    public static String of(Request request) {
        Object id = request.getAttribute(ATTRIBUTE);
        return id instanceof String s ? s : assign(request);
    }
}
