package io.hearth.image.internal;

import static java.util.Objects.requireNonNull;

/** A content descriptor: what a manifest says a blob is. */
public record Descriptor(String mediaType, String digest, long size) {
    public Descriptor {
        requireNonNull(mediaType, "mediaType");
        requireNonNull(digest, "digest");
        if (size < 0) {
            throw new IllegalArgumentException("size: " + size + " (expected: 0 or more)");
        }
    }

    public String hex() {
        return digest.substring("sha256:".length());
    }
}
