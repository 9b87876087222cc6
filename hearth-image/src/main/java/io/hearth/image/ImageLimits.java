package io.hearth.image;

/**
 * What one image may cost; checked while bytes arrive and entries are written, never after.
 *
 * @param maxManifestBytes an index, manifest or config document
 * @param maxLayerBytes    one compressed layer
 * @param maxImageBytes    all of an image's files once unpacked
 * @param maxEntries       all of an image's layer entries
 */
public record ImageLimits(long maxManifestBytes, long maxLayerBytes, long maxImageBytes, long maxEntries) {
    public ImageLimits {
        positive("maxManifestBytes", maxManifestBytes);
        positive("maxLayerBytes", maxLayerBytes);
        positive("maxImageBytes", maxImageBytes);
        positive("maxEntries", maxEntries);
    }

    /** 4 MiB documents, 10 GiB layers, 20 GiB unpacked, a million entries. */
    public static ImageLimits defaults() {
        return new ImageLimits(4L << 20, 10L << 30, 20L << 30, 1_000_000);
    }

    private static void positive(String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: at least 1)");
        }
    }
}
