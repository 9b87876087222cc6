package io.hearth.auth;

import static java.util.Objects.requireNonNull;

/**
 * A request whose SigV4 signature was accepted, and what is left to check of its body.
 *
 * <p>When the signature covers the hash of a body the client did not declare in {@code x-amz-content-sha256}, the
 * signature itself can only be checked once the body has been read: then {@link #signatureDeferred()} is true and the
 * principal is not yet proven. The edge must feed the whole body to {@link #payload()} and call
 * {@link PayloadCheck#finish()} before it acts on the request.
 *
 * @param principal who signed (provisional while the signature is deferred)
 * @param payload   the check of the body against the hash the signature covers
 */
public record Verification(Principal principal, PayloadCheck payload) {
    public Verification {
        requireNonNull(principal, "principal");
        requireNonNull(payload, "payload");
    }

    /** Whether the signature itself is only checked at the end of the body. */
    public boolean signatureDeferred() {
        return payload.defersSignature();
    }
}
