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
    private PathSegments() {}

    public static List<String> of(Request request) {
        String raw = request.getHttpURI().getPath();
        var segments = new ArrayList<String>();
        for (String part : raw.split("/", -1)) {
            segments.add(URIUtil.decodePath(part));
        }
        // "/runtimes/x/" splits to ["", "runtimes", "x", ""]: drop the leading empty segment only.
        if (!segments.isEmpty() && segments.getFirst().isEmpty()) {
            segments.removeFirst();
        }
        return segments;
    }
}
