package io.hearth.sandbox.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * The read-only host files every isolated agent sees: all of {@code /usr} (with the {@code /bin}, {@code /lib*},
 * {@code /sbin} links of a merged-/usr system) and the part of {@code /etc} that interpreters, the C library and TLS
 * need. The rest of {@code /etc} stays out: shadow, gshadow, sudoers, ssh keys, and whatever secrets operators keep
 * there.
 */
final class BaseFilesystem {
    static final String CODE = "/app";
    static final String WORKSPACE = "/workspace";

    /** Links a merged-/usr root has at its top; the sandbox gets the same, pointing into its read-only /usr. */
    static final List<String[]> USR_LINKS = List.of(
            new String[] {"bin", "usr/bin"},
            new String[] {"sbin", "usr/sbin"},
            new String[] {"lib", "usr/lib"},
            new String[] {"lib64", "usr/lib64"},
            new String[] {"lib32", "usr/lib32"},
            new String[] {"libx32", "usr/libx32"});

    private static final List<String> ETC = List.of(
            "passwd", "group", "hosts", "host.conf", "nsswitch.conf", "resolv.conf", "gai.conf", "localtime",
            "timezone", "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "ssl", "ca-certificates", "ca-certificates.conf",
            "mime.types", "protocols", "services", "alternatives", "java-17-openjdk", "java-21-openjdk",
            "java-25-openjdk", "nodejs", "python3", "python3.11", "python3.12", "python3.13");

    private BaseFilesystem() {}

    /** Every /etc entry agents may see, whether or not this host has it. */
    static List<Path> etcCandidates() {
        return ETC.stream().map(name -> Path.of("/etc", name)).toList();
    }

    /** An empty file or directory at {@code at}, as {@code entry} is one, to mount it on; nothing if one is there. */
    static void placeholder(Path entry, Path at) throws IOException {
        if (Files.exists(at, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isDirectory(entry)) {
            Files.createDirectories(at);
        } else {
            Files.createFile(at);
        }
    }

    /**
     * Builds an empty root to lay the mounts on (for runsc, whose OCI root must exist and stays read-only): mount
     * points for /usr, /etc, the code, the workspace, /tmp, /proc and /dev, and the /usr links.
     */
    static void buildMinimalRoot(Path root) throws IOException {
        for (String dir : List.of("usr", "etc", "app", "workspace", "tmp", "proc", "dev")) {
            Files.createDirectories(root.resolve(dir));
        }
        for (String[] link : USR_LINKS) {
            Path at = root.resolve(link[0]);
            if (Files.exists(Path.of("/", link[1])) && !Files.exists(at, LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(at, Path.of(link[1]));
            }
        }
    }
}
