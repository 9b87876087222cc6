package io.hearth.sandbox;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * A session's persistent storage, as one sandbox sees it: the host directory that keeps it between sandboxes, copied
 * into a bounded filesystem at {@code mountPath} when the sandbox starts and back when it ends.
 *
 * @param hostDir   where it lives between sandboxes (created on first use)
 * @param mountPath where the agent sees it: {@code /mnt/<name>}
 * @param bytes     its size bound; a write past it fails with ENOSPC
 */
public record SessionStorageMount(Path hostDir, String mountPath, long bytes) {
    private static final Pattern MOUNT_PATH = Pattern.compile("/mnt/[a-zA-Z0-9._-]+");

    public SessionStorageMount {
        requireNonNull(hostDir, "hostDir");
        requireNonNull(mountPath, "mountPath");
        if (!MOUNT_PATH.matcher(mountPath).matches() || mountPath.equals("/mnt/.") || mountPath.equals("/mnt/..")) {
            throw new IllegalArgumentException("mountPath: " + mountPath + " (expected: /mnt/ and one directory name)");
        }
        if (bytes < 1 << 20) {
            throw new IllegalArgumentException("bytes: " + bytes + " (expected: at least 1 MiB)");
        }
    }
}
