package io.hearth.store;

import static java.util.Objects.requireNonNull;

/** What an idempotent write answered the first time, and a hash of the request that asked. */
public record StoredReply(String requestHash, String response) {
    public StoredReply {
        requireNonNull(requestHash, "requestHash");
        requireNonNull(response, "response");
    }
}
