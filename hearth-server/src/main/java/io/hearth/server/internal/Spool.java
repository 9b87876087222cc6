package io.hearth.server.internal;

import io.hearth.api.ApiException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Where a data-plane body too large to hold in memory waits for its signature ({@code <data-dir>/spool}, 0700). Each
 * file is unlinked as soon as it is open, so nothing outlives the request or the process that wrote it, not even a
 * crash; the bytes of all files open at once are capped, so a flood of large bodies cannot fill the disk.
 */
public final class Spool implements AutoCloseable {
    private final Path dir;
    private final long capBytes;
    private final AtomicLong used = new AtomicLong();
    private final Set<File> open = ConcurrentHashMap.newKeySet();

    private Spool(Path dir, long capBytes) {
        this.dir = dir;
        this.capBytes = capBytes;
    }

    /** Creates {@code dir} (0700) and removes whatever a previous run left in it. */
    public static Spool open(Path dir, long capBytes) {
        if (capBytes < 1) {
            throw new IllegalArgumentException("capBytes: " + capBytes + " (expected: positive)");
        }
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            try (Stream<Path> stale = Files.list(dir)) {
                for (Path file : stale.toList()) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("spool dir " + dir + ": " + e.getMessage() + " (expected: a writable directory)", e);
        }
        return new Spool(dir, capBytes);
    }

    long usedBytes() {
        return used.get();
    }

    /** A new, empty file, already unlinked; close it to give its bytes back. */
    File create() {
        Path path = dir.resolve("body-" + UUID.randomUUID());
        try {
            FileChannel channel = FileChannel.open(path, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.delete(path);
            File file = new File(channel);
            open.add(file);
            return file;
        } catch (IOException e) {
            throw ApiException.internal("Cannot spool the request body (" + e.getMessage() + ")", e);
        }
    }

    /** Closes every file still open: the server is stopping. */
    @Override
    public void close() {
        for (File file : open) {
            file.close();
        }
    }

    /** One body on disk. */
    final class File implements AutoCloseable {
        private final FileChannel channel;
        private long size;
        private boolean closed;

        private File(FileChannel channel) {
            this.channel = channel;
        }

        long size() {
            return size;
        }

        /** @throws ApiException 429 when the spool is full */
        void write(byte[] bytes, int offset, int length) {
            if (used.addAndGet(length) > capBytes) {
                used.addAndGet(-length);
                throw new ApiException.Throttling("Rate exceeded: request bodies waiting for their signature fill the"
                        + " spool (" + capBytes + " bytes); retry later, or send x-amz-content-sha256 with the body's"
                        + " SHA-256 so it need not wait");
            }
            synchronized (this) {
                size += length;
            }
            try {
                ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            } catch (IOException e) {
                throw ApiException.internal("Cannot spool the request body (" + e.getMessage() + ")", e);
            }
        }

        /** Reads from {@code position}; -1 at the end. */
        int read(ByteBuffer into, long position) throws IOException {
            return channel.read(into, position);
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            open.remove(this);
            used.addAndGet(-size);
            try {
                channel.close();
            } catch (IOException ignored) {
                // Unlinked already: closing only gives the space back, and the kernel does that with the process.
            }
        }
    }
}
