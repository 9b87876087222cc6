package io.hearth.bench.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The bench's scratch directories, under the system's temporary directory. */
public final class ScratchDirs {
    private ScratchDirs() {}

    /**
     * Deletes {@code root} and everything below it, as far as it can: what is left under the temporary directory is
     * harmless, and a caller for whom it is not (the soak's verdict) checks that the directory is gone.
     */
    public static void delete(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort, as above
        }
    }
}
