package io.hearth.image.internal;

import static java.util.Objects.requireNonNull;

import io.hearth.image.ImageConfig;
import java.util.List;

/**
 * {@code image.json} beside an unpacked root filesystem: written into the same temporary directory and renamed
 * into place with it, so a root filesystem is there only with its record, and the record names every blob the
 * image holds on to.
 */
public record StoredImage(String manifestDigest, String configDigest, List<String> layers, long bytes,
        ImageConfig config) {
    public StoredImage {
        requireNonNull(manifestDigest, "manifestDigest");
        requireNonNull(configDigest, "configDigest");
        layers = List.copyOf(requireNonNull(layers, "layers"));
        requireNonNull(config, "config");
    }
}
