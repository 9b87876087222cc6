package io.hearth.image.internal;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** One platform's manifest, read and checked: a config and its layers, lowest first. */
public record ImageManifest(String digest, Descriptor config, List<Descriptor> layers) {
    public ImageManifest {
        requireNonNull(digest, "digest");
        requireNonNull(config, "config");
        layers = List.copyOf(requireNonNull(layers, "layers"));
    }

    public long layerBytes() {
        return layers.stream().mapToLong(Descriptor::size).sum();
    }
}
