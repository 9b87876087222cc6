package io.hearth.image;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * An image ready to run.
 *
 * @param reference      what was asked for (before any ECR mapping or mirror)
 * @param manifestDigest {@code sha256:<hex>} of the platform manifest: what {@link ImageStore#retain} keeps
 * @param rootfs         the unpacked root filesystem; shared by every pull of the same manifest, never to be written
 * @param bytes          the compressed size of its layers
 */
public record PulledImage(ImageReference reference, String manifestDigest, Path rootfs, ImageConfig config,
        long bytes) {
    public PulledImage {
        requireNonNull(reference, "reference");
        requireNonNull(manifestDigest, "manifestDigest");
        requireNonNull(rootfs, "rootfs");
        requireNonNull(config, "config");
        if (!manifestDigest.matches("sha256:[0-9a-f]{64}")) {
            throw new IllegalArgumentException("manifestDigest: " + manifestDigest + " (expected: sha256:<64 hex>)");
        }
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes: " + bytes + " (expected: 0 or more)");
        }
    }
}
