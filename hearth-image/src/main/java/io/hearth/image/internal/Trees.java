package io.hearth.image.internal;

import java.io.IOException;
import java.nio.file.Path;

/** Whole directory trees, removed without following a link out of them. */
public final class Trees {
    private Trees() {}

    public static void delete(Path path) throws IOException {
        LayerUnpacker.delete(path);
    }

    public static void deleteQuietly(Path path) {
        try {
            delete(path);
        } catch (IOException ignored) {
            // Left in tmp/, which the store empties when it next opens.
        }
    }
}
