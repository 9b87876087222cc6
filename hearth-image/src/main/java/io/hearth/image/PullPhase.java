package io.hearth.image;

/** Where a pull is, in order; a pull that fails stops at the phase it failed in. */
public enum PullPhase {
    /** Fetching the manifest (and the index, for a multi-platform image) and the config. */
    RESOLVING,
    /** Fetching the layers not stored yet. */
    DOWNLOADING,
    /** Applying the layers, in order, into a new root filesystem. */
    UNPACKING,
    /** The root filesystem is in place (freshly made, or already there). */
    DONE
}
