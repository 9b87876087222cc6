package io.hearth.cli.internal;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Zips an agent's directory the way AgentCore's direct code deploy expects: files at the root of the zip. The files
 * are listed and counted first ({@link #scan}), so that zipping can tell how far it got; the zip is streamed to a
 * temporary file, never held in memory, and hashed as it is written, for the upload's signature.
 */
public final class CodeBundle {
    private static final List<String> SKIPPED = List.of(".git", "__pycache__", ".venv");
    private static final int CHUNK = 64 * 1024;

    private CodeBundle() {}

    /** The directory is not one that can be deployed: it is missing, empty, or lacks the entry point. */
    public static final class BadDirectory extends IllegalArgumentException {
        BadDirectory(String message) {
            super(message);
        }
    }

    /** The files to zip, in order, by their path relative to {@code dir}, and their sizes. */
    public record Contents(Path dir, List<Path> files, long totalBytes) {
        public Contents {
            files = List.copyOf(files);
        }

        /**
         * Refuses an entry point that is not a file of the directory. Of two items, one must be: {@code [file, arg]}
         * or {@code [program, file]}.
         */
        public void requireEntryPoint(List<String> entryPoint) {
            Set<String> names = files.stream().map(CodeBundle::zipName).collect(Collectors.toSet());
            boolean found = entryPoint.stream().anyMatch(item -> names.contains(normalized(item)));
            if (!found) {
                String items = entryPoint.size() == 1 ? entryPoint.getFirst() : String.join(" ", entryPoint);
                throw new BadDirectory("--entry " + items + ": no such file in " + dir + " (expected: the agent's entry point,"
                        + " a file of the directory relative to it, such as " + examples() + ")");
            }
        }

        private String examples() {
            var some = new LinkedHashSet<String>();
            for (Path file : files) {
                String name = zipName(file);
                if (!name.contains("/") && some.size() < 3) {
                    some.add(name);
                }
            }
            if (some.isEmpty()) {
                some.add(zipName(files.getFirst()));
            }
            return String.join(", ", some);
        }

        private static String normalized(String item) {
            return Path.of(item).normalize().toString().replace('\\', '/');
        }
    }

    /** How far zipping got. */
    @FunctionalInterface
    public interface Listener {
        void zipped(long files, long bytes);
    }

    /** The zip written: its file (the caller deletes it), its size and its SHA-256 in hex. */
    public record Zip(Path file, long size, String sha256) {}

    /** Lists the files to zip, skipping {@code .git}, {@code __pycache__} and {@code .venv}; refuses an empty directory. */
    public static Contents scan(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new BadDirectory("code directory: " + dir + " (expected: an existing directory)");
        }
        var files = new ArrayList<Path>();
        long bytes = 0;
        try (var walk = Files.walk(dir)) {
            for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
                Path relative = dir.relativize(file);
                if (!skipped(relative)) {
                    files.add(relative);
                    bytes += Files.size(file);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            throw new UncheckedIOException("cannot read " + dir, e instanceof IOException io ? io : ((UncheckedIOException) e).getCause());
        }
        if (files.isEmpty()) {
            throw new BadDirectory("code directory: " + dir + " has no files (expected: the agent's code with its entry"
                    + " point; " + String.join(", ", SKIPPED) + " are left out)");
        }
        return new Contents(dir, files, bytes);
    }

    /** Zips what {@link #scan} found, telling {@code listener} after every chunk. */
    public static Zip zip(Contents contents, Listener listener) {
        Path zip;
        try {
            zip = Files.createTempFile("hearth-bundle-", ".zip");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary file for the zip of " + contents.dir(), e);
        }
        try {
            var digest = MessageDigest.getInstance("SHA-256");
            try (var out = new ZipOutputStream(new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(zip),
                    CHUNK), digest))) {
                long files = 0;
                long bytes = 0;
                byte[] chunk = new byte[CHUNK];
                for (Path relative : contents.files()) {
                    out.putNextEntry(new ZipEntry(zipName(relative)));
                    try (var in = Files.newInputStream(contents.dir().resolve(relative))) {
                        for (int n; (n = in.read(chunk)) >= 0; ) {
                            out.write(chunk, 0, n);
                            bytes += n;
                            listener.zipped(files, bytes);
                        }
                    }
                    out.closeEntry();
                    listener.zipped(++files, bytes);
                }
            }
            return new Zip(zip, Files.size(zip), HexFormat.of().formatHex(digest.digest()));
        } catch (IOException e) {
            deleteQuietly(zip);
            throw new UncheckedIOException("cannot zip " + contents.dir(), e);
        } catch (NoSuchAlgorithmException e) {
            deleteQuietly(zip);
            throw new IllegalStateException("SHA-256: unavailable (expected: every JDK has it)", e);
        } catch (RuntimeException e) {
            deleteQuietly(zip);
            throw e;
        }
    }

    /** Lists and zips {@code dir} in one go, with no progress. */
    public static Zip zip(Path dir) {
        return zip(scan(dir), (files, bytes) -> { });
    }

    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a temporary file; the OS cleans it eventually
        }
    }

    private static String zipName(Path relative) {
        return relative.toString().replace('\\', '/');
    }

    private static boolean skipped(Path relative) {
        for (Path part : relative) {
            if (SKIPPED.contains(part.toString())) {
                return true;
            }
        }
        return false;
    }
}
