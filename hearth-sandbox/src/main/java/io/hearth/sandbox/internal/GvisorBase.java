package io.hearth.sandbox.internal;

import io.hearth.sandbox.SandboxException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read-only root that gVisor sandboxes of code runtimes share: host {@code /usr} and the allowed {@code /etc}
 * entries bound, read-only, into one directory on the host, which the OCI spec names as the root.
 *
 * <p>Before, each sandbox's spec bound {@code /usr} and every {@code /etc} entry itself: runsc serves each bind through
 * a gofer connection of its own, about 25 of them per sandbox, which cost its boot ~70 ms and its host ~90 tasks.
 * Binds made once here are ordinary directories to the gofer, which serves them all through the root's one
 * connection. Each start checks (two stats per entry) that every bind still shows what the host has at that path,
 * so an {@code /etc/resolv.conf} replaced on the host reaches the next sandbox, as it did when each start bound it.
 */
final class GvisorBase {
    private static final Logger LOG = LoggerFactory.getLogger(GvisorBase.class);
    /** One lock for every driver of this JVM: two on the same state root must not bind the same entry twice. */
    private static final Object BINDING = new Object();

    private final Path root;
    private final Path usr;
    private final List<Path> etc;

    /**
     * @param usr what the sandboxes see as /usr
     * @param etc what they may see in /etc, by name, where the host has it
     */
    GvisorBase(Path root, Path usr, List<Path> etc) throws IOException {
        this.root = root;
        this.usr = usr;
        this.etc = List.copyOf(etc);
        BaseFilesystem.buildMinimalRoot(root);
    }

    /** The host's /usr and /etc allow-list. */
    static GvisorBase ofHost(Path root) throws IOException {
        return new GvisorBase(root, Path.of("/usr"), BaseFilesystem.etcCandidates());
    }

    Path root() {
        return root;
    }

    /** Binds what is not bound yet, or no longer shows the host's file, and drops binds of entries the host lost. */
    void refresh() {
        synchronized (BINDING) {
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

    /** Removes every bind; a driver still running on the same root binds them again at its next start. */
    void close() {
        synchronized (BINDING) {
            Mounts.unmountUnder(root);
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
                        + " for gVisor sandboxes: " + e.getMessage(), e);
            }
            LOG.warn("cannot bind {} read-only at {}; gVisor sandboxes see it empty: {}", source, target,
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
