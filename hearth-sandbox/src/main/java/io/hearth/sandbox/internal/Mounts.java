package io.hearth.sandbox.internal;

import io.hearth.sandbox.SandboxException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Host mounts the drivers make (the size-bounded disk tmpfs, the overlay on it) and the sweep that removes them. */
final class Mounts {
    private Mounts() {}

    /**
     * Mounts the tmpfs of a sandbox's disk ({@link SandboxDisk}): {@code bytes} at {@code dir}, root's, searchable but
     * not listable by others; what the agent may write are directories inside it. Its pages are RAM charged to the
     * cgroup of whoever writes them, so the quota counts against the sandbox's memory limit too.
     */
    static void mountDisk(Path dir, long bytes) {
        // A system call rather than mount(8): a fork and exec of it cost a start 3 to 10 ms here.
        try {
            Libc.mount("hearth-disk", dir.toString(), "tmpfs", Libc.MS_NOSUID | Libc.MS_NODEV,
                    "size=" + bytes + ",mode=0711");
        } catch (Libc.NativeCallException e) {
            throw new SandboxException("cannot mount the sandbox disk (" + bytes + " bytes) at " + dir + ": "
                    + e.getMessage(), e);
        }
    }

    /** Left inside a state root Hearth bound over itself: a later run (after a kill) knows the bind is its own. */
    private static final String BIND_MARK = ".hearth-bind";

    /**
     * Makes {@code root} a mount point of its own, unless it is one, so that a launcher's mount namespace can drop
     * every sandbox's mounts below it with one lazy unmount (see {@link NamespacesDriver}). The bind is private: the
     * sandboxes' mounts under it propagate nowhere. Returns whether the bind is Hearth's (made now, or by a run that
     * was killed), which its driver removes when it closes; a mount point of the host's own is left as it is.
     */
    static boolean bindOverItself(Path root) {
        Path mark = root.resolve(BIND_MARK);
        if (isMountPoint(root)) {
            return Files.exists(mark);
        }
        try {
            Libc.mount(root.toString(), root.toString(), "none", Libc.MS_BIND, "");
            Libc.mount("none", root.toString(), "none", Libc.MS_PRIVATE, "");
            Files.writeString(mark, "bound over itself by Hearth; removed with the bind\n");
            return true;
        } catch (IOException | Libc.NativeCallException e) {
            throw new SandboxException("cannot bind the sandbox state directory " + root + " over itself: "
                    + e.getMessage(), e);
        }
    }

    /** Removes a bind {@link #bindOverItself} made, when nothing is mounted under it any more; else leaves it. */
    static boolean unbind(Path root) {
        try {
            try {
                Libc.umount2(root.toString(), 0);
            } catch (Libc.NativeCallException busy) {
                // Busy with nothing mounted beneath: something still holds a file or directory of it for a moment
                // (a host tool just forked, a walk of the tree). Detached, it goes once that is let go.
                if (under(root).stream().anyMatch(mount -> !mount.equals(root))) {
                    return false;
                }
                Libc.umount2(root.toString(), Libc.MNT_DETACH);
            }
            Files.deleteIfExists(root.resolve(BIND_MARK));
            return true;
        } catch (Libc.NativeCallException stillBusy) {
            return false;
        } catch (IOException e) {
            return true; // unbound; the mark alone is harmless
        }
    }

    /** Binds the file {@code source} (a network namespace) at {@code target}, which is created empty first. */
    static void bindFile(Path source, Path target) {
        try {
            Files.createFile(target);
            Libc.mount(source.toString(), target.toString(), "none", Libc.MS_BIND, "");
        } catch (IOException | Libc.NativeCallException e) {
            throw new SandboxException("cannot bind " + source + " at " + target + ": " + e.getMessage(), e);
        }
    }

    private static boolean isMountPoint(Path path) {
        return mountPoints().contains(path);
    }

    /** Every mount point of this mount namespace, in the order they were made. */
    private static List<Path> mountPoints() {
        var found = new ArrayList<Path>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] fields = line.split(" ");
                if (fields.length > 4) {
                    found.add(Path.of(unescape(fields[4])));
                }
            }
        } catch (IOException e) {
            throw new SandboxException("cannot read /proc/self/mountinfo: " + e.getMessage(), e);
        }
        return found;
    }

    /**
     * Mount points at or under {@code root}, deepest first and, at one depth, the latest mounted first: a sandbox's
     * overlay (at {@code merged}) holds its upper layer on the disk beside it, and must go before the disk.
     */
    static List<Path> under(Path root) {
        var found = new ArrayList<>(mountPoints().stream().filter(mount -> mount.startsWith(root)).toList());
        java.util.Collections.reverse(found); // mountinfo lists mounts in the order they were made
        found.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        return found;
    }

    /** Unmounts everything at or under {@code root}; detaches lazily what a straggler still holds open. */
    static void unmountUnder(Path root) {
        for (Path mount : under(root)) {
            try {
                Libc.umount2(mount.toString(), 0);
            } catch (Libc.NativeCallException busy) {
                try {
                    Libc.umount2(mount.toString(), Libc.MNT_DETACH);
                } catch (Libc.NativeCallException gone) {
                    // unmounted meanwhile by another teardown of the same tree
                }
            }
        }
    }

    /** mountinfo writes space, tab, newline and backslash as octal escapes. */
    private static String unescape(String field) {
        var out = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length()) {
                try {
                    out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                    i += 3;
                    continue;
                } catch (NumberFormatException e) {
                    // not an escape
                }
            }
            out.append(c);
        }
        return out.toString();
    }
}
