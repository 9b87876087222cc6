package io.hearth.sandbox.internal;

import io.hearth.sandbox.SandboxException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hands out network slots host-wide. A slot is a /30 (and the netns and veth named after it); it is held by a lock on
 * {@code /run/hearth/slots/<n>}, which the kernel drops when the holding process dies. So several servers, and both
 * isolating drivers, share one address range without colliding, and a restarted server can tell a dead run's
 * network from a live one's.
 */
final class NetworkSlots {
    static final int COUNT = 16384; // /30s in 10.201.0.0/16
    private static final Path DIR = Path.of("/run/hearth/slots");

    // Start at a random slot and move on: a slot freed a moment ago may still have its veth in the kernel's
    // asynchronous network-namespace cleanup.
    private static final AtomicInteger CURSOR = new AtomicInteger(new SecureRandom().nextInt(COUNT));
    /**
     * Slots this JVM holds. POSIX record locks belong to the process, and closing any descriptor of a locked file
     * drops all of them: a slot of ours must never be opened again, not even to find out that it is taken.
     */
    private static final Set<Integer> HELD_HERE = ConcurrentHashMap.newKeySet();

    private NetworkSlots() {}

    /** A held slot; {@link #release()} frees it for the next sandbox. */
    record Lease(int slot, FileChannel channel, FileLock lock) {
        Lease {
            if (slot < 0 || slot >= COUNT) {
                throw new IllegalArgumentException("slot: " + slot + " (expected: 0 to " + (COUNT - 1) + ")");
            }
        }

        void release() {
            try {
                channel.close(); // also releases the lock
            } catch (IOException e) {
                throw new UncheckedIOException("cannot release network slot " + slot, e);
            } finally {
                HELD_HERE.remove(slot);
            }
        }
    }

    static Lease lease() {
        for (int tried = 0; tried < COUNT; tried++) {
            int slot = Math.floorMod(CURSOR.getAndIncrement(), COUNT);
            Optional<Lease> lease = tryLease(slot);
            if (lease.isPresent()) {
                return lease.get();
            }
        }
        throw new SandboxException("no free network slot: all " + COUNT + " are held by running sandboxes");
    }

    /** The slot if no process holds it, for a new sandbox or for removing what a dead run left in it. */
    static Optional<Lease> tryLease(int slot) {
        if (!HELD_HERE.add(slot)) {
            return Optional.empty();
        }
        FileChannel channel = null;
        try {
            Files.createDirectories(DIR);
            channel = FileChannel.open(DIR.resolve(Integer.toString(slot)), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return Optional.of(new Lease(slot, channel, lock));
            }
        } catch (OverlappingFileLockException e) {
            // Cannot happen while HELD_HERE is kept; if it does, leak the descriptor rather than close it and drop
            // the lock of the sandbox that holds the slot.
            HELD_HERE.remove(slot);
            return Optional.empty();
        } catch (IOException e) {
            HELD_HERE.remove(slot);
            closeQuietly(channel);
            throw new SandboxException("cannot lock network slot file " + DIR.resolve(Integer.toString(slot)) + ": " + e.getMessage(), e);
        }
        HELD_HERE.remove(slot);
        closeQuietly(channel);
        return Optional.empty();
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing held
            }
        }
    }
}
