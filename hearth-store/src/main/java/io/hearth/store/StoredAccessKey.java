package io.hearth.store;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** One access key as stored; {@code sealedSecret} is the secret encrypted by the caller, never the secret itself. */
public record StoredAccessKey(String id, String tenant, String sealedSecret, boolean enabled, Instant createdAt,
        String description) {
    public StoredAccessKey {
        requireNonNull(id, "id");
        requireNonNull(tenant, "tenant");
        requireNonNull(sealedSecret, "sealedSecret");
        requireNonNull(createdAt, "createdAt");
        requireNonNull(description, "description");
    }
}
