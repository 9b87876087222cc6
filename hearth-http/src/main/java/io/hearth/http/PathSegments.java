package io.hearth.http;

import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.URIUtil;

/**
 * Splits the raw, still-encoded path and decodes each segment on its own, so that {@code %2F} and {@code %3A}
 * inside an ARN label stay inside their segment (docs/wire-contract.md §1.2).
 */
public final class PathSegments {
    /** Every handler on the way asks for the segments: they are split once a request and kept on it. */
    private static final String ATTRIBUTE = PathSegments.class.getName();

    private PathSegments() {}

    /** The request's path segments, decoded one by one; an unmodifiable list. */
    public static List<String> of(Request request) {
        if (request.getAttribute(ATTRIBUTE) instanceof List<?> known) {
            @SuppressWarnings("unchecked")
            List<String> segments = (List<String>) known;
            return segments;
        }
        List<String> segments = split(request.getHttpURI().getPath());
        request.setAttribute(ATTRIBUTE, segments);
        return segments;
    }

    private static List<String> split(String raw) {
        var segments = new ArrayList<String>();
        for (String part : raw.split("/", -1)) {
            segments.add(URIUtil.decodePath(part));
        }
        // "/runtimes/x/" splits to ["", "runtimes", "x", ""]: drop the leading empty segment only.
        if (!segments.isEmpty() && segments.getFirst().isEmpty()) {
            segments.removeFirst();
        }
        return List.copyOf(segments);
    }
}
