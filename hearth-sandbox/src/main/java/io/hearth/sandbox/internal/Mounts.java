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

    /**
     * Mount points at or under {@code root}, deepest first and, at one depth, the latest mounted first: a sandbox's
     * overlay (at {@code merged}) holds its upper layer on the disk beside it, and must go before the disk.
     */
    static List<Path> under(Path root) {
        var found = new ArrayList<Path>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] fields = line.split(" ");
                if (fields.length > 4) {
                    Path mount = Path.of(unescape(fields[4]));
                    if (mount.startsWith(root)) {
                        found.add(mount);
                    }
                }
            }
        } catch (IOException e) {
            throw new SandboxException("cannot read /proc/self/mountinfo: " + e.getMessage(), e);
        }
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
