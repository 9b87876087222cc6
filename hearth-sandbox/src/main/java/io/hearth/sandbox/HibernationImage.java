package io.hearth.sandbox;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * What a sandbox left on disk when it hibernated, enough to resume it in a new sandbox.
 *
 * @param dir   the image's directory (owned by whoever asked for it; removed by them)
 * @param kind  what was kept
 * @param bytes its size on disk
 * @param uid   whom the agent's files belonged to, as the kernel that checked its accesses saw it; a resumed sandbox's
 *              files are handed to its own agent from these ids
 * @param gid   likewise, the group
 */
public record HibernationImage(Path dir, HibernationKind kind, long bytes, int uid, int gid) {
    public HibernationImage {
        requireNonNull(dir, "dir");
        requireNonNull(kind, "kind");
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes: " + bytes + " (expected: 0 or more)");
        }
    }
}
