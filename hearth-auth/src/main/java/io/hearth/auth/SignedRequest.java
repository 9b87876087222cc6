package io.hearth.auth;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What SigV4 verification needs of an HTTP request, independent of the server that received it.
 *
 * @param method   the HTTP method, as received ({@code GET}, {@code POST}, ...)
 * @param rawPath  the path exactly as received, still percent-encoded (never decoded: the SDKs sign the encoded form)
 * @param rawQuery the query string as received, without the {@code ?}; empty when there is none
 * @param headers  every header, by name (kept by lower-cased name, looked up without regard to case); a name may
 *                 carry several values
 * @param body     whether a body follows the headers
 */
public record SignedRequest(String method, String rawPath, String rawQuery, Map<String, List<String>> headers,
        Body body) {

    /** Whether the request has a body whose hash the signature may cover. */
    public enum Body {
        /** No body (no Content-Length or {@code Content-Length: 0}, no Transfer-Encoding). */
        NONE,
        /** A body follows; if the signature covers its hash, the check ends with the body ({@link PayloadCheck}). */
        STREAMED
    }

    public SignedRequest {
        requireNonNull(method, "method");
        requireNonNull(rawPath, "rawPath");
        requireNonNull(rawQuery, "rawQuery");
        requireNonNull(headers, "headers");
        requireNonNull(body, "body");
        if (!isMethod(method)) {
            throw new IllegalArgumentException("method: " + method + " (expected: an upper-case HTTP method)");
        }
        if (rawPath.indexOf('?') >= 0 || rawPath.indexOf('#') >= 0) {
            throw new IllegalArgumentException("rawPath: " + rawPath + " (expected: the path without query or fragment)");
        }
        if (rawQuery.startsWith("?")) {
            throw new IllegalArgumentException("rawQuery: " + rawQuery + " (expected: the query without its leading '?')");
        }
        headers = caseInsensitiveCopy(headers);
    }

    /** The values of a header, in the order received; empty when absent. */
    public List<String> headerValues(String name) {
        return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }

    /** One to sixteen upper-case ASCII letters (checked on every request, so without a regex). */
    private static boolean isMethod(String method) {
        if (method.isEmpty() || method.length() > 16) {
            return false;
        }
        for (int i = 0; i < method.length(); i++) {
            char c = method.charAt(i);
            if (c < 'A' || c > 'Z') {
                return false;
            }
        }
        return true;
    }

    /** The first value of a header. */
    public Optional<String> header(String name) {
        return headerValues(name).stream().findFirst();
    }

    /** Keyed by lower-cased name: a hash lookup per header, where a case-insensitive tree compared names char by char. */
    private static Map<String, List<String>> caseInsensitiveCopy(Map<String, List<String>> headers) {
        var copy = HashMap.<String, List<String>>newHashMap(headers.size());
        headers.forEach((name, values) -> {
            requireNonNull(name, "header name");
            requireNonNull(values, "values of header " + name);
            copy.merge(name.toLowerCase(Locale.ROOT), List.copyOf(values), (a, b) -> {
                var both = new ArrayList<String>(a);
                both.addAll(b);
                return List.copyOf(both);
            });
        });
        return Collections.unmodifiableMap(copy);
    }
}
