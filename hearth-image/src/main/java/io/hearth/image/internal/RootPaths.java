package io.hearth.image.internal;

import static java.util.Objects.requireNonNull;

import io.hearth.image.ImageException;
import io.hearth.image.ImageException.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Paths inside a root filesystem as a process chrooted there would see them: a symlink met on the way is followed
 * with an absolute target taken from the root and {@code ..} stopping at the root, so no layer entry, whatever
 * links earlier entries made, resolves to anything outside it. Only parents are resolved; the last component of an
 * entry is what the entry itself replaces, never followed.
 */
public final class RootPaths {
    private static final int MAX_LINKS = 40;

    private final Path root;

    public RootPaths(Path root) {
        this.root = requireNonNull(root, "root");
    }

    public Path root() {
        return root;
    }

    /**
     * Splits a tar entry name into components: {@code ./} and empty components dropped, an absolute name or a
     * {@code ..} component refused.
     */
    public static List<String> components(String layer, String name) {
        if (name.startsWith("/")) {
            throw new ImageException(Reason.INVALID, "layer " + layer + ": entry " + name
                    + " has an absolute name (expected: a path relative to the root filesystem)");
        }
        List<String> parts = new ArrayList<>();
        for (String part : name.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                throw new ImageException(Reason.INVALID, "layer " + layer + ": entry " + name
                        + " climbs out with .. (expected: a path inside the root filesystem)");
            }
            if (part.indexOf('\0') >= 0) {
                throw new ImageException(Reason.INVALID, "layer " + layer + ": entry name with a NUL character");
            }
            parts.add(part);
        }
        return parts;
    }

    /**
     * The directory {@code components} names, every symlink on the way resolved inside the root.
     *
     * @param create make missing directories (mode 0755, root-owned), recording each in {@code created}
     * @return empty when a component is missing and {@code create} is false
     */
    public Optional<Path> directory(List<String> components, boolean create, Set<Path> created) throws IOException {
        Deque<String> todo = new ArrayDeque<>(components);
        List<String> current = new ArrayList<>();
        int links = 0;
        while (!todo.isEmpty()) {
            String part = todo.pollFirst();
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!current.isEmpty()) {
                    current.removeLast();
                }
                continue;
            }
            Path candidate = at(current).resolve(part);
            BasicFileAttributes attributes = lstat(candidate);
            if (attributes == null) {
                if (!create) {
                    return Optional.empty();
                }
                Files.createDirectory(candidate);
                created.add(candidate);
                current.add(part);
            } else if (attributes.isSymbolicLink()) {
                if (++links > MAX_LINKS) {
                    throw new ImageException(Reason.INVALID, "path " + String.join("/", components)
                            + ": more than " + MAX_LINKS + " symbolic links (expected: a resolvable path)");
                }
                String target = Files.readSymbolicLink(candidate).toString();
                if (target.startsWith("/")) {
                    current.clear();
                }
                String[] targetParts = target.split("/");
                for (int i = targetParts.length - 1; i >= 0; i--) {
                    todo.addFirst(targetParts[i]);
                }
            } else if (attributes.isDirectory()) {
                current.add(part);
            } else {
                throw new ImageException(Reason.INVALID, "path " + String.join("/", components) + ": "
                        + String.join("/", current) + (current.isEmpty() ? "" : "/") + part
                        + " is not a directory (expected: a directory on the way)");
            }
        }
        return Optional.of(at(current));
    }

    private Path at(List<String> components) {
        Path path = root;
        for (String part : components) {
            path = path.resolve(part);
        }
        return path;
    }

    /** The file's own attributes (a symlink's, not its target's), or null when there is nothing there. */
    public static BasicFileAttributes lstat(Path path) throws IOException {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
    }
}
