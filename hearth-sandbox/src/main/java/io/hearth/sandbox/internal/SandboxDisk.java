package io.hearth.sandbox.internal;

import io.hearth.sandbox.ImageRoot;
import io.hearth.sandbox.SandboxException;
import io.hearth.sandbox.SandboxSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;

/**
 * Everything a sandbox may write, on one tmpfs of the sandbox's disk quota mounted at {@code <dir>/disk}: its
 * workspace, its {@code /tmp}, and the upper and work directories of the overlay the server lays over the shared,
 * read-only code or image. One bound for all of it, so a full disk fails the agent's write with ENOSPC wherever it
 * writes, and the unmount at teardown removes all of it at once.
 *
 * <pre>
 * disk/            tmpfs, size = the quota, root's; others may only traverse it (mode 0711), to reach the two below
 *   workspace/     /workspace, the agent's
 *   tmp/           /tmp, mode 1777
 *   upper/         the overlay's private layer: /app (code) or / (an image)
 *   work/          the overlay's scratch directory
 * </pre>
 *
 * @param owner the ids the agent's files belong to as the kernel that checks its accesses sees them: the sandbox's
 *              host uid under namespaces, the process's own uid and gid inside gVisor
 */
record SandboxDisk(Path root, Owner owner) {
    /** A uid and gid, as files are owned. */
    record Owner(int uid, int gid) {}

    private static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OPEN = PosixFilePermissions.fromString("rwxr-xr-x");
    /** Directories a sandbox mounts something over; each must exist in an image's root before the launcher runs. */
    private static final List<String> MOUNT_POINTS = List.of("/proc", "/dev", "/tmp", BaseFilesystem.WORKSPACE);

    Path workspace() {
        return root.resolve("workspace");
    }

    Path tmp() {
        return root.resolve("tmp");
    }

    Path upper() {
        return root.resolve("upper");
    }

    Path work() {
        return root.resolve("work");
    }

    /** The read-only layer under the overlay: the image's root, or the code. */
    static Path lower(SandboxSpec spec) {
        Path lower = spec.image().map(ImageRoot::rootfs).orElse(spec.code()).toAbsolutePath().normalize();
        // Overlay options are a comma-separated list whose paths may not hold its separators.
        if (lower.toString().matches(".*[,:\\\\\\s].*")) {
            throw new SandboxException("sandbox " + spec.id() + ": " + lower
                    + " cannot be an overlay layer (expected: a path without ',', ':', '\\' or spaces)");
        }
        return lower;
    }

    /**
     * Mounts the copy-on-write view of {@code lower} (the code, or an image's root) at {@code merged}: reads from the
     * shared layer, writes into this disk's upper layer. A system call, made by the server before the launch, so the
     * launcher forks no mount(8) of its own; the teardown unmounts it with the disk.
     */
    void mountOverlay(Path lower, Path merged) {
        try {
            Libc.mount("hearth-overlay", merged.toString(), "overlay", Libc.MS_NOSUID | Libc.MS_NODEV,
                    "lowerdir=" + lower + ",upperdir=" + upper() + ",workdir=" + work());
        } catch (Libc.NativeCallException e) {
            throw new SandboxException("cannot mount the copy-on-write view of " + lower + " at " + merged + ": "
                    + e.getMessage(), e);
        }
    }

    /** Mounts the disk at {@code <dir>/disk} and lays out its directories; the teardown's unmount removes it all. */
    static SandboxDisk mount(Path dir, long bytes, Owner owner) throws IOException {
        Path root = dir.resolve("disk");
        Files.createDirectory(root);
        Mounts.mountDisk(root, bytes);
        var disk = new SandboxDisk(root, owner);
        Files.createDirectory(disk.workspace(), PosixFilePermissions.asFileAttribute(PRIVATE));
        chown(disk.workspace(), owner);
        Files.createDirectory(disk.tmp());
        Files.setAttribute(disk.tmp(), "unix:mode", 01777); // sticky, as /tmp is
        Files.createDirectory(disk.upper());
        Files.createDirectory(disk.work(), PosixFilePermissions.asFileAttribute(PRIVATE));
        return disk;
    }

    /**
     * Seeds the private layer before the overlay is mounted. The top directory becomes the agent's (code: {@code /app};
     * an image: {@code /}), and so do an image's working directory and home: an upper directory shadows the
     * attributes of the lower one at its path and merges their contents, so the agent may write there while the
     * files beneath stay the image's, shared and untouched. Nothing of the shared layer is ever chowned.
     */
    void seed(SandboxSpec spec) throws IOException {
        Path lower = lower(spec);
        Files.setPosixFilePermissions(upper(), lowerModeOr(lower, OPEN));
        chown(upper(), owner);
        if (spec.image().isEmpty()) {
            return;
        }
        ImageRoot image = spec.image().get();
        for (String point : MOUNT_POINTS) {
            ensureDirectory(lower, point, false);
        }
        ensureDirectory(lower, image.workingDir(), true);
        if (spec.storage().isPresent()) {
            ensureDirectory(lower, spec.storage().get().mountPath(), false);
        }
        String home = image.env().get("HOME");
        if (home != null && home.startsWith("/")) {
            ensureDirectory(lower, home, true);
        }
        // As a container engine does: the host's resolvers, and names for the sandbox itself, over the image's.
        if (ensureDirectory(lower, "/etc", false)) {
            Path etc = upper().resolve("etc");
            Path resolv = Path.of("/etc/resolv.conf");
            Files.writeString(etc.resolve("resolv.conf"), Files.isReadable(resolv) ? Files.readString(resolv) : "");
            Files.writeString(etc.resolve("hosts"), "127.0.0.1\tlocalhost sandbox\n::1\tlocalhost ip6-localhost"
                    + " ip6-loopback\n");
            Files.writeString(etc.resolve("hostname"), "sandbox\n");
        }
    }

    /**
     * Makes {@code path} a directory of the upper layer, its parents copied from the lower layer's (owner and mode), so
     * the merged view is unchanged but for the last one, which becomes the agent's when {@code agents}. Gives up, and
     * returns false, where the lower layer has a symlink or a file on the way: the kernel resolves those itself at run
     * time, and a directory here would hide them.
     */
    private boolean ensureDirectory(Path lower, String path, boolean agents) throws IOException {
        Path relative = Path.of("/").relativize(Path.of(path).normalize());
        if (relative.toString().isEmpty()) {
            return true;
        }
        if (relative.startsWith("..")) {
            return false;
        }
        Path inLower = lower;
        Path inUpper = upper();
        for (Path name : relative) {
            inLower = inLower.resolve(name.toString());
            inUpper = inUpper.resolve(name.toString());
            PosixFileAttributes attributes = attributes(inLower);
            if (attributes != null && !attributes.isDirectory()) {
                return false;
            }
            if (!Files.isDirectory(inUpper, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(inUpper);
                if (attributes == null) {
                    Files.setPosixFilePermissions(inUpper, OPEN);
                } else {
                    Files.setPosixFilePermissions(inUpper, attributes.permissions());
                    Files.setAttribute(inUpper, "unix:uid", Files.getAttribute(inLower, "unix:uid", LinkOption.NOFOLLOW_LINKS),
                            LinkOption.NOFOLLOW_LINKS);
                    Files.setAttribute(inUpper, "unix:gid", Files.getAttribute(inLower, "unix:gid", LinkOption.NOFOLLOW_LINKS),
                            LinkOption.NOFOLLOW_LINKS);
                }
            }
        }
        if (agents) {
            chown(inUpper, owner);
        }
        return true;
    }

    private static PosixFileAttributes attributes(Path path) throws IOException {
        try {
            return Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.NoSuchFileException e) {
            return null;
        }
    }

    private static Set<PosixFilePermission> lowerModeOr(Path lower, Set<PosixFilePermission> otherwise)
            throws IOException {
        PosixFileAttributes attributes = attributes(lower);
        return attributes == null ? otherwise : attributes.permissions();
    }

    private static void chown(Path path, Owner owner) throws IOException {
        Files.setAttribute(path, "unix:uid", owner.uid(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(path, "unix:gid", owner.gid(), LinkOption.NOFOLLOW_LINKS);
    }
}
