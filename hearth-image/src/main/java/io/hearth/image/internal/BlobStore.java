package io.hearth.image.internal;

import static java.util.Objects.requireNonNull;

import io.hearth.image.ImageException;
import io.hearth.image.ImageException.Reason;
import io.hearth.image.ImageReference;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * Blobs by digest under {@code blobs/sha256/<hex>}. A blob enters only after its size and digest were checked on
 * the bytes as they streamed into a temporary file, and only by an atomic rename; concurrent fetches of one digest
 * download it once.
 */
public final class BlobStore {
    private final Path directory;
    private final Path tmp;
    private final RegistryClient client;
    private final StallWatchdog watchdog;
    private final Map<String, CompletableFuture<Path>> downloads = new ConcurrentHashMap<>();

    public BlobStore(Path directory, Path tmp, RegistryClient client, StallWatchdog watchdog) {
        this.directory = requireNonNull(directory, "directory");
        this.tmp = requireNonNull(tmp, "tmp");
        this.client = requireNonNull(client, "client");
        this.watchdog = requireNonNull(watchdog, "watchdog");
    }

    public Path path(String digest) {
        return directory.resolve(digest.substring("sha256:".length()));
    }

    public boolean contains(String digest) {
        return Files.isRegularFile(path(digest));
    }

    /**
     * The blob, downloaded if it is not stored yet.
     *
     * @param progress bytes so far, as they arrive
     */
    public Path fetch(ImageReference located, Descriptor blob, long maxBytes, LongConsumer progress) {
        Path stored = path(blob.digest());
        if (Files.isRegularFile(stored)) {
            progress.accept(blob.size());
            return stored;
        }
        if (blob.size() > maxBytes) {
            throw new ImageException(Reason.TOO_LARGE, "blob " + blob.digest() + " in " + located.repository()
                    + ": " + blob.size() + " bytes (expected: at most " + maxBytes + ")");
        }
        var mine = new CompletableFuture<Path>();
        CompletableFuture<Path> running = downloads.putIfAbsent(blob.digest(), mine);
        if (running != null) {
            Path path = join(running);
            progress.accept(blob.size());
            return path;
        }
        try {
            Path path = download(located, blob, progress);
            mine.complete(path);
            return path;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            downloads.remove(blob.digest(), mine);
        }
    }

    private Path download(ImageReference located, Descriptor blob, LongConsumer progress) {
        Path stored = path(blob.digest());
        if (Files.isRegularFile(stored)) {
            return stored;
        }
        Path partial = tmp.resolve("blob-" + blob.hex() + "-" + UUID.randomUUID());
        StallWatchdog.Watch watch = watchdog.watch();
        try {
            MessageDigest sha = Digests.sha256();
            long total = 0;
            try (watch; InputStream in = client.blob(located, blob.digest());
                    OutputStream out = Files.newOutputStream(partial)) {
                byte[] buffer = new byte[64 * 1024];
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    watch.progress();
                    total += n;
                    if (total > blob.size()) {
                        throw new ImageException(Reason.INVALID, "blob " + blob.digest() + " in "
                                + located.repository() + ": registry sent more than " + blob.size()
                                + " bytes (expected: the size the manifest declares)");
                    }
                    sha.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                    progress.accept(total);
                }
            }
            if (total != blob.size()) {
                throw new ImageException(Reason.INVALID, "blob " + blob.digest() + " in " + located.repository()
                        + ": registry sent " + total + " bytes (expected: " + blob.size() + ")");
            }
            String actual = Digests.of(sha);
            if (!actual.equals(blob.digest())) {
                throw new ImageException(Reason.INVALID, "blob " + blob.digest() + " in " + located.repository()
                        + ": content has digest " + actual + " (expected: " + blob.digest() + ")");
            }
            try {
                Files.move(partial, stored, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException e) {
                // Stored meanwhile by another store on the same directory: the same bytes.
            }
            return stored;
        } catch (IOException e) {
            if (watch.stalled()) {
                throw new ImageException(Reason.UNAVAILABLE, "blob " + blob.digest() + " in " + located.registry()
                        + "/" + located.repository() + ": no bytes for " + watchdog.idle() + " (expected: the"
                        + " registry to keep sending within the request timeout)", e);
            }
            throw new ImageException(Reason.UNAVAILABLE, "blob " + blob.digest() + " in " + located.repository()
                    + ": download failed (" + e + ")", e);
        } catch (ImageException e) {
            if (watch.stalled()) {
                throw new ImageException(Reason.UNAVAILABLE, "blob " + blob.digest() + " in " + located.registry()
                        + "/" + located.repository() + ": no answer within " + watchdog.idle()
                        + " (expected: the registry to answer within the request timeout)", e);
            }
            throw e;
        } finally {
            deleteQuietly(partial);
        }
    }

    /** Deletes every blob whose digest is not in {@code keep}; blobs being downloaded are kept. */
    public int retainOnly(Set<String> keep) {
        int removed = 0;
        try (Stream<Path> blobs = Files.list(directory)) {
            for (Path blob : blobs.toList()) {
                String digest = "sha256:" + blob.getFileName();
                if (!keep.contains(digest) && !downloads.containsKey(digest)) {
                    Files.deleteIfExists(blob);
                    removed++;
                }
            }
        } catch (IOException e) {
            throw new ImageException(Reason.STORAGE, "blob store " + directory + ": cleaning failed (" + e + ")", e);
        }
        return removed;
    }

    /** Drops a stored blob whose content turned out wrong, so the next pull fetches it again. */
    public void forget(String digest) {
        deleteQuietly(path(digest));
    }

    private static Path join(CompletableFuture<Path> running) {
        try {
            return running.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }

    static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // A leftover in tmp is removed when the store next opens.
        }
    }
}
