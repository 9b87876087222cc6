package io.hearth.router.internal;

import java.nio.ByteBuffer;

/**
 * Resolves the Content-Type and Accept hazards of docs/wire-contract.md §4, so that agents built with the official
 * TypeScript SDK (which answers 415 to anything but JSON or text, and 406 to a stream nobody accepted)
 * serve the defaults of every AWS client:
 * <ul>
 *   <li>Content-Type: a missing type, or {@code application/octet-stream} (the JS client's default), becomes
 *       {@code application/json} when the body starts like JSON ({@code {} or {@code [} after white space);
 *       any other type, and any body that does not look like JSON, passes unchanged.</li>
 *   <li>Accept: a missing Accept, or {@code *}{@code /*}, becomes {@code application/json, text/event-stream}:
 *       whatever the agent can answer, the caller takes, since the body is a raw pass-through.</li>
 * </ul>
 */
public final class ContentNegotiation {
    static final String JSON = "application/json";
    static final String OCTET_STREAM = "application/octet-stream";
    static final String DEFAULT_ACCEPT = "application/json, text/event-stream";

    private ContentNegotiation() {}

    /** True when the caller's type is one the rule may rewrite, so the first bytes are worth a look. */
    public static boolean mayRewrite(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return true;
        }
        int end = contentType.indexOf(';');
        return contentType.substring(0, end < 0 ? contentType.length() : end).strip().equalsIgnoreCase(OCTET_STREAM);
    }

    /** The Content-Type the agent sees, given the caller's and the body's first bytes (may be empty). */
    public static String contentType(String callerType, ByteBuffer firstBytes) {
        if (!mayRewrite(callerType)) {
            return callerType;
        }
        if (looksLikeJson(firstBytes)) {
            return JSON;
        }
        return callerType == null || callerType.isBlank() ? OCTET_STREAM : callerType;
    }

    public static String accept(String callerAccept) {
        if (callerAccept == null || callerAccept.isBlank() || callerAccept.strip().equals("*/*")) {
            return DEFAULT_ACCEPT;
        }
        return callerAccept;
    }

    static boolean looksLikeJson(ByteBuffer bytes) {
        for (int i = bytes.position(); i < bytes.limit(); i++) {
            byte b = bytes.get(i);
            if (b == ' ' || b == '\t' || b == '\r' || b == '\n') {
                continue;
            }
            return b == '{' || b == '[';
        }
        return false;
    }
}
