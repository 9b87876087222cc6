package io.hearth.sandbox.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * Resolves a path the way a process whose root is {@code root} would (a sandbox's root seen from the host through
 * {@code /proc/<pid>/root}): absolute symbolic links and {@code ..} stay inside it, where the host's own resolution
 * would leave for the host's root.
 */
final class RootedPath {
    private static final int MAX_LINKS = 40; // as the kernel's ELOOP limit

    private RootedPath() {}

    /** Where {@code path} (absolute, as the sandbox sees it) is on the host; empty when it does not exist. */
    static Optional<Path> resolve(Path root, String path) {
        Deque<String> todo = new ArrayDeque<>();
        push(todo, path);
        Deque<String> done = new ArrayDeque<>();
        int links = 0;
        while (!todo.isEmpty()) {
            String name = todo.pop();
            if (name.isEmpty() || name.equals(".")) {
                continue;
            }
            if (name.equals("..")) {
                done.pollLast();
                continue;
            }
            Path here = at(root, done).resolve(name);
            if (!Files.exists(here, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.empty();
            }
            if (Files.isSymbolicLink(here)) {
                if (++links > MAX_LINKS) {
                    return Optional.empty();
                }
                String target;
                try {
                    target = Files.readSymbolicLink(here).toString();
                } catch (IOException e) {
                    return Optional.empty();
                }
                if (target.startsWith("/")) {
                    done.clear();
                }
                push(todo, target);
                continue;
            }
            done.addLast(name);
        }
        return Optional.of(at(root, done));
    }

    /** Whether {@code path} inside the root is a file its owner, group or others may execute. */
    static boolean isExecutableFile(Path root, String path) {
        return resolve(root, path).filter(Files::isRegularFile).filter(Files::isExecutable).isPresent();
    }

    private static void push(Deque<String> todo, String path) {
        String[] names = path.split("/");
        for (int i = names.length - 1; i >= 0; i--) {
            todo.push(names[i]);
        }
    }

    private static Path at(Path root, Deque<String> names) {
        Path p = root;
        for (String name : names) {
            p = p.resolve(name);
        }
        return p;
    }
}
