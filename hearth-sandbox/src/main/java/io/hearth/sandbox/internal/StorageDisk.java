package io.hearth.sandbox.internal;

import io.hearth.sandbox.SessionStorageMount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A session's persistent storage inside one sandbox: a tmpfs of its size bound at {@code <dir>/storage}, filled from
 * the session's host directory at the start and copied back at the end, before the teardown unmounts it. Bounded like
 * the sandbox's disk (ENOSPC past it), and the agent never writes to the host directory itself, so a sandbox that
 * breaks its storage mid-write leaves the last complete copy.
 */
record StorageDisk(Path root, SessionStorageMount mount) {

    static StorageDisk mount(Path dir, SessionStorageMount mount, SandboxDisk.Owner owner) throws IOException {
        Path root = dir.resolve("storage");
        Files.createDirectory(root);
        Mounts.mountDisk(root, mount.bytes());
        var disk = new StorageDisk(root, mount);
        DiskCopies.copyContents(mount.hostDir(), root);
        Files.setAttribute(root, "unix:mode", 0700);
        // The session's files, whichever sandbox (and so whichever host uid) wrote them last.
        DiskCopies.chownAll(root, owner);
        return disk;
    }

    /** Keeps what the agent left, replacing the session's previous copy. */
    void persist() {
        DiskCopies.replaceWithCopy(root, mount.hostDir());
    }
}
