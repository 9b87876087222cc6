package io.hearth.http;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.jetty.server.Request;

/** Every request gets one id, returned as {@code x-amzn-RequestId} and handed to the agent. */
public final class RequestIds {
    private static final String ATTRIBUTE = "io.hearth.requestId";

    private RequestIds() {}

    /** Assigns the request its id (once, at the edge of the server) and returns it. */
    public static String assign(Request request) {
        String id = randomId().toString();
        request.setAttribute(ATTRIBUTE, id);
        return id;
    }

    /**
     * A version-4 UUID from the thread's own generator: a request id must be unique, not secret, and
     * {@link UUID#randomUUID()} takes the shared {@code SecureRandom}'s lock on every request.
     */
    static UUID randomId() {
        var random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & ~(0xC000_0000_0000_0000L)) | 0x8000_0000_0000_0000L;
        return new UUID(high, low);
    }

    public static String of(Request request) {
        Object id = request.getAttribute(ATTRIBUTE);
        return id instanceof String s ? s : assign(request);
    }
}
