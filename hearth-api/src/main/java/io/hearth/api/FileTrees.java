package io.hearth.api;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Removes a file, a symbolic link (never what it points to) or a whole directory tree, without following a link out
 * of it: the one way every component deletes what it made on disk.
 */
public final class FileTrees {
    private FileTrees() {}

    /**
     * Deletes everything it can below {@code path} and {@code path} itself; what vanishes meanwhile is no error.
     *
     * @throws IOException the first failure, once the rest has been tried
     */
    public static void delete(Path path) throws IOException {
        var failures = new Failures();
        try {
            Files.walkFileTree(path, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    failures.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    failures.note(e);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) {
                    failures.note(e);
                    failures.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException e) {
            return;
        }
        failures.rethrow();
    }

    /** As {@link #delete}, for scratch space whose remains are harmless or removed by a later clean-up. */
    public static void deleteQuietly(Path path) {
        try {
            delete(path);
        } catch (IOException e) {
            // best effort, as documented
        }
    }

    private static final class Failures {
        private IOException first;

        void delete(Path path) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                note(e);
            }
        }

        void note(IOException e) {
            if (e != null && !(e instanceof NoSuchFileException) && first == null) {
                first = e;
            }
        }

        void rethrow() throws IOException {
            if (first != null) {
                throw first;
            }
        }
    }
}
