package io.hearth.sandbox.internal;

import io.hearth.sandbox.SandboxException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Host mounts the drivers make (the size-bounded disk tmpfs) and the sweep that removes them. */
final class Mounts {
    private Mounts() {}

    /**
     * Mounts the tmpfs of a sandbox's disk ({@link SandboxDisk}): {@code bytes} at {@code dir}, root's alone; what the
     * agent may write are directories inside it. Its pages are RAM charged to the cgroup of whoever writes them, so the
     * quota counts against the sandbox's memory limit too.
     */
    static void mountDisk(Path dir, long bytes) {
        HostCommand.check("mount", "-t", "tmpfs", "-o", "size=" + bytes + ",mode=0700,nosuid,nodev", "hearth-disk",
                dir.toString());
    }

    /** Mount points at or under {@code root}, deepest first. */
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
        found.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        return found;
    }

    /** Unmounts everything at or under {@code root}; detaches lazily what a straggler still holds open. */
    static void unmountUnder(Path root) {
        for (Path mount : under(root)) {
            if (!HostCommand.run("umount", mount.toString()).ok()) {
                HostCommand.run("umount", "-l", mount.toString());
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
