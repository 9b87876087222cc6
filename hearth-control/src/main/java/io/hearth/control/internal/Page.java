package io.hearth.control.internal;

import io.hearth.api.ApiException;
import io.hearth.api.FieldError;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * One page request of a List operation. {@code nextToken} is opaque to callers: the kind of listing and the
 * last key seen, so that a token from one listing cannot be replayed against another.
 *
 * @param after the last key of the previous page (0 for the first page)
 */
record Page(String kind, long after, int size) {
    static final int MAX_RESULTS = 100;

    static Page of(String kind, Optional<String> maxResults, Optional<String> nextToken) {
        int size = MAX_RESULTS;
        if (maxResults.isPresent()) {
            try {
                size = Integer.parseInt(maxResults.get());
            } catch (NumberFormatException e) {
                size = -1;
            }
            if (size < 1 || size > MAX_RESULTS) {
                throw ApiException.validation("1 validation error detected: Value '" + maxResults.get()
                        + "' at 'maxResults' failed to satisfy constraint: Member must be between 1 and " + MAX_RESULTS,
                        new FieldError("maxResults", "expected an integer from 1 to " + MAX_RESULTS));
            }
        }
        long after = 0;
        if (nextToken.isPresent()) {
            after = decode(kind, nextToken.get());
        }
        return new Page(kind, after, size);
    }

    String tokenAfter(long key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((kind + ":" + key).getBytes(StandardCharsets.UTF_8));
    }

    private static long decode(String kind, String token) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (text.startsWith(kind + ":")) {
                long key = Long.parseLong(text.substring(kind.length() + 1));
                if (key >= 0) {
                    return key;
                }
            }
        } catch (IllegalArgumentException e) {
            // falls through to the error below
        }
        throw ApiException.validation("Invalid nextToken: " + (token.length() > 64 ? token.substring(0, 64) + "..." : token)
                + " (expected: the nextToken of a previous page of this listing)",
                new FieldError("nextToken", "not a token issued by this listing"));
    }
}
