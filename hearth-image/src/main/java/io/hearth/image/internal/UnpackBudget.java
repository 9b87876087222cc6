package io.hearth.image.internal;

import io.hearth.image.ImageException;
import io.hearth.image.ImageException.Reason;

/** What is left of one image's byte and entry limits while its layers are applied. */
public final class UnpackBudget {
    private final long maxBytes;
    private final long maxEntries;
    private long bytes;
    private long entries;

    public UnpackBudget(long maxBytes, long maxEntries) {
        this.maxBytes = maxBytes;
        this.maxEntries = maxEntries;
    }

    void entry(String layer, String name) {
        if (++entries > maxEntries) {
            throw new ImageException(Reason.TOO_LARGE, "layer " + layer + ": entry " + name + " is entry " + entries
                    + " of the image (expected: at most " + maxEntries + " entries)");
        }
    }

    void bytes(String layer, String name, long more) {
        bytes += more;
        if (bytes > maxBytes) {
            throw new ImageException(Reason.TOO_LARGE, "layer " + layer + ": entry " + name + " takes the image past "
                    + maxBytes + " unpacked bytes (expected: at most " + maxBytes + ")");
        }
    }
}
