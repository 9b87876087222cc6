package io.hearth.sandbox.internal;

import io.hearth.api.FileTrees;
import io.hearth.sandbox.SandboxException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read-only root that isolated sandboxes of code runtimes share: host {@code /usr} and the allowed {@code /etc}
 * entries bound, read-only, into one directory on the host, with the mount points of the sandbox's own mounts. gVisor's
 * OCI spec names it as the root; bwrap binds it, with everything under it, as {@code /}.
 *
 * <p>Before, each sandbox bound {@code /usr} and every {@code /etc} entry itself, about 25 binds. runsc serves each
 * bind through a gofer connection of its own, which cost its boot ~70 ms and its host ~90 tasks; bwrap reads the whole
 * mount table after each bind it makes, a table that holds every live sandbox's mounts. Binds made once here are
 * ordinary directories to the gofer and one recursive bind to bwrap. Each start checks (two stats per entry) that
 * every bind still shows what the host has at that path, so an {@code /etc/resolv.conf} replaced on the host reaches
 * the next sandbox, as it did when each start bound it.
 */
final class BaseRoot {
    private static final Logger LOG = LoggerFactory.getLogger(BaseRoot.class);
    /** One lock for every driver of this JVM: two on the same state root must not bind the same entry twice. */
    private static final Object BINDING = new Object();
    private static final Path RUN_ROOTS = Path.of("/run/hearth/roots");

    private final Path root;
    private final Path usr;
    private final List<Path> etc;

    /**
     * @param usr what the sandboxes see as /usr
     * @param etc what they may see in /etc, by name, where the host has it
     */
    BaseRoot(Path root, Path usr, List<Path> etc) {
        this.root = root;
        this.usr = usr;
        this.etc = List.copyOf(etc);
    }

    /** The host's /usr and /etc allow-list. */
    static BaseRoot ofHost(Path root) {
        return new BaseRoot(root, Path.of("/usr"), BaseFilesystem.etcCandidates());
    }

    /** A driver's base inside its state root: for gVisor, whose gofer runs as root and may walk there. */
    static Path inside(Path stateRoot) {
        return stateRoot.toAbsolutePath().normalize().resolve("rootfs");
    }

    /**
     * A driver's base under /run, named after its state root: for bwrap, which opens its bind sources as the sandbox's
     * uid, and could not walk through the root-only state root.
     */
    static Path underRun(Path stateRoot) {
        String path = stateRoot.toAbsolutePath().normalize().toString();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(path.getBytes(StandardCharsets.UTF_8));
            return RUN_ROOTS.resolve(HexFormat.of().formatHex(digest, 0, 8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 (expected in every JDK)", e);
        }
    }

    Path root() {
        return root;
    }

    /** Binds what is not bound yet, or no longer shows the host's file, and drops binds of entries the host lost. */
    void refresh() {
        synchronized (BINDING) {
            try {
                BaseFilesystem.buildMinimalRoot(root);
            } catch (IOException e) {
                throw new SandboxException("cannot lay out the sandboxes' base at " + root + ": " + e.getMessage(), e);
            }
            bindCurrent(usr, root.resolve("usr"), true);
            for (Path entry : etc) {
                Path target = root.resolve("etc").resolve(entry.getFileName().toString());
                if (Files.exists(entry)) {
                    bindCurrent(entry, target, false);
                } else if (Files.exists(target)) {
                    detach(target);
                    deleteQuietly(target);
                }
            }
        }
    }

    /** Removes every bind, then the layout; a driver still running on the same root lays both out at its next start. */
    void close() {
        synchronized (BINDING) {
            Mounts.unmountUnder(root);
            if (Files.exists(root) && Mounts.under(root).isEmpty()) {
                try {
                    FileTrees.delete(root);
                } catch (IOException e) {
                    LOG.warn("cannot remove the sandboxes' base at {}: {}", root, e.getMessage());
                }
            }
        }
    }

    private void bindCurrent(Path source, Path target, boolean required) {
        try {
            if (Files.exists(target)) {
                if (Files.isSameFile(source, target)) {
                    return;
                }
                detach(target); // a bind of what the host has since replaced (a file renamed over), or nothing
            }
            BaseFilesystem.placeholder(source, target);
            Libc.mount(source.toString(), target.toString(), "none", Libc.MS_BIND | Libc.MS_REC, "");
            try {
                // Private: what is mounted under the host's tree later does not land in every sandbox's root.
                Libc.mount("none", target.toString(), "none", Libc.MS_PRIVATE | Libc.MS_REC, "");
                // Read-only, so nothing (a sandbox's gofer, a recursive delete of the data directory) writes through
                // it to the host's files.
                Libc.mount("none", target.toString(), "none", Libc.MS_REMOUNT | Libc.MS_BIND | Libc.MS_RDONLY, "");
            } catch (Libc.NativeCallException e) {
                detach(target);
                throw e;
            }
        } catch (IOException | Libc.NativeCallException e) {
            if (required) {
                throw new SandboxException("cannot bind " + source + " read-only at " + target
                        + " for sandboxes: " + e.getMessage(), e);
            }
            LOG.warn("cannot bind {} read-only at {}; sandboxes see it empty: {}", source, target,
                    e.getMessage());
        }
    }

    private static void deleteQuietly(Path placeholder) {
        try {
            Files.deleteIfExists(placeholder);
        } catch (IOException e) {
            // still bound beneath (stacked by another process): it is detached again at the next start
        }
    }

    private static void detach(Path target) {
        try {
            Libc.umount2(target.toString(), Libc.MNT_DETACH);
        } catch (Libc.NativeCallException e) {
            if (e.errno() != Libc.EINVAL) { // EINVAL: not a mount point
                throw e;
            }
        }
    }
}
