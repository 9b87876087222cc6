package io.hearth.http;

import io.hearth.api.Json;
import io.hearth.api.ApiException;
import java.util.concurrent.ExecutionException;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import tools.jackson.databind.JsonNode;

/**
 * Reads the small JSON bodies of API calls (control plane, StopRuntimeSession, Hearth's own API), bounded in size.
 * Blocks: call it from a virtual thread. Streaming bodies (invocations) never come here.
 */
public final class JsonBodies {
    private JsonBodies() {}

    /** The body as JSON; an empty body is an empty object. */
    public static JsonNode read(Request request, int maxBytes) {
        long declared = request.getLength();
        if (declared > maxBytes) {
            // Refused before a byte is read: a client waiting on Expect: 100-continue never has to send it.
            throw ApiException.cannotParse("request body: " + declared + " bytes (expected: at most " + maxBytes + " bytes)");
        }
        byte[] bytes;
        try {
            bytes = Content.Source.asByteArrayAsync(request, maxBytes).get();
        } catch (ExecutionException e) {
            throw ApiException.cannotParse("request body: larger than " + maxBytes + " bytes or unreadable ("
                    + e.getCause().getMessage() + ") (expected: at most " + maxBytes + " bytes of JSON)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.internal("interrupted while reading the request body", e);
        }
        return bytes.length == 0 ? Json.mapper().createObjectNode() : Json.tree(bytes);
    }
}
