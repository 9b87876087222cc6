package io.hearth.sandbox.internal;

import io.hearth.sandbox.SandboxException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Copies of what a sandbox wrote, out of its disk and back into a new one: a hibernation image's files, a session's
 * storage between sandboxes. {@code cp -a}, because an overlay's upper layer holds what Java cannot make (whiteouts are
 * character devices, opaque directories an extended attribute) and owners, modes and links must survive as they are.
 */
final class DiskCopies {
    /** The disk's directories an image keeps: the overlay's private layer, the workspace and /tmp, not its scratch. */
    static final List<String> KEPT = List.of("upper", "workspace", "tmp");
    private static final Duration COPY_TIMEOUT = Duration.ofMinutes(10);

    private DiskCopies() {}

    /** Copies the disk's kept directories into {@code target/disk}. */
    static void save(SandboxDisk disk, Path target) {
        Path into = target.resolve("disk");
        try {
            Files.createDirectories(into);
        } catch (IOException e) {
            throw new SandboxException("cannot create " + into + ": " + e.getMessage(), e);
        }
        var argv = new ArrayList<>(List.of("cp", "-a", "--"));
        KEPT.forEach(name -> argv.add(disk.root().resolve(name).toString()));
        argv.add(into.toString());
        run(argv);
    }

    /**
     * Lays a saved image's files over a new disk, then hands what belonged to the old agent's ids to the new agent's:
     * a sandbox resumed in another slot runs as another host uid.
     */
    static void restore(Path image, SandboxDisk disk, SandboxDisk.Owner from) {
        Path saved = image.resolve("disk");
        if (!Files.isDirectory(saved)) {
            throw new SandboxException("hibernation image " + image + " has no saved files (expected: " + saved + ")");
        }
        if (holdsAnything(saved)) {
            copyContents(saved, disk.root());
            handOver(disk.root(), from, disk.owner());
        }
        // Else the agent left its writable directories empty, as a fresh disk has them: no copy, no forks to resume.
    }

    /** Whether any of the kept directories under {@code saved} has an entry. */
    private static boolean holdsAnything(Path saved) {
        for (String name : KEPT) {
            try (Stream<Path> entries = Files.list(saved.resolve(name))) {
                if (entries.findAny().isPresent()) {
                    return true;
                }
            } catch (IOException e) {
                return true; // copy, and let cp say what is wrong
            }
        }
        return false;
    }

    /** Copies the contents of {@code from} (when it exists) into the existing directory {@code to}. */
    static void copyContents(Path from, Path to) {
        if (Files.isDirectory(from)) {
            run(List.of("cp", "-a", "--", from + "/.", to.toString()));
        }
    }

    /** Gives every file under {@code root} that {@code from} owns to {@code to}; nothing when they are the same. */
    static void handOver(Path root, SandboxDisk.Owner from, SandboxDisk.Owner to) {
        if (!from.equals(to)) {
            run(List.of("chown", "-R", "--no-dereference", "--from=" + from.uid() + ":" + from.gid(),
                    to.uid() + ":" + to.gid(), "--", root.toString()));
        }
    }

    /** Gives every file under {@code root} to {@code owner}. */
    static void chownAll(Path root, SandboxDisk.Owner owner) {
        run(List.of("chown", "-R", "--no-dereference", owner.uid() + ":" + owner.gid(), "--", root.toString()));
    }

    /**
     * Replaces {@code target} with a copy of {@code source}'s contents: copied beside it first, then swapped in, so a
     * crash leaves the old copy or the new one, never half of one.
     */
    static void replaceWithCopy(Path source, Path target) {
        Path fresh = target.resolveSibling(target.getFileName() + ".new");
        Path old = target.resolveSibling(target.getFileName() + ".old");
        try {
            ProcessTree.deleteRecursively(fresh);
            Files.createDirectories(fresh);
            copyContents(source, fresh);
            ProcessTree.deleteRecursively(old);
            if (Files.exists(target)) {
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(fresh, target, StandardCopyOption.ATOMIC_MOVE);
            ProcessTree.deleteRecursively(old);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep " + source + " in " + target, e);
        }
    }

    /** Bytes of the regular files under {@code root}, as far as they can be read. */
    static long size(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).mapToLong(DiskCopies::sizeOf).sum();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    private static void run(List<String> argv) {
        var result = HostCommand.run(argv, "", COPY_TIMEOUT);
        if (!result.ok()) {
            throw new SandboxException(String.join(" ", argv) + " failed with exit code " + result.code() + ": "
                    + result.output().strip());
        }
    }
}
