package io.hearth.sandbox.internal;

import io.hearth.sandbox.SandboxException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Host mounts the drivers make (the size-bounded workspace tmpfs) and the sweep that removes them. */
final class Mounts {
    private Mounts() {}

    /**
     * Mounts a tmpfs of {@code bytes} at {@code dir}, owned by the sandbox's uid. The size bound is the kernel's, so
     * a full workspace fails the agent's write with ENOSPC and nothing else; its pages count against the sandbox's
     * memory limit too, being charged to the cgroup of whoever writes them.
     */
    static void mountWorkspace(Path dir, long bytes, int uid) {
        HostCommand.check("mount", "-t", "tmpfs", "-o",
                "size=" + bytes + ",mode=0700,uid=" + uid + ",gid=" + uid + ",nosuid,nodev",
                "hearth-workspace", dir.toString());
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
