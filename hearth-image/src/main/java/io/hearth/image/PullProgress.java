package io.hearth.image;

/**
 * What a pull reports while it runs, on the pulling thread: keep it quick. Concurrent pulls of one image share one
 * piece of work; only the pull that does it hears about the layers.
 */
public interface PullProgress {
    PullProgress NONE = new PullProgress() {};

    default void phase(ImageReference reference, PullPhase phase) {}

    /**
     * @param layer {@code sha256:<hex>}
     * @param done  bytes of the layer downloaded so far (all of them for a layer already stored)
     * @param total its size as the manifest declares it
     */
    default void layer(String layer, long done, long total) {}
}
