package io.hearth.control.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the executable behind an AgentCore {@code runtime} or a manifest's command name. Prefers the system
 * interpreters by absolute path: a {@code python3} found first on PATH may be a version-manager shim that costs
 * tens of milliseconds per start and is invisible inside a sandbox.
 */
final class Interpreters {
    private static final List<Path> SYSTEM_DIRS = List.of(Path.of("/usr/bin"), Path.of("/usr/local/bin"), Path.of("/bin"));

    private Interpreters() {}

    /** The interpreter for {@code runtime} (PYTHON_3_10 ... PYTHON_3_14, NODE_22). */
    static Path forRuntime(String runtime) {
        if (runtime.startsWith("PYTHON_3_")) {
            String minor = runtime.substring("PYTHON_3_".length());
            return inSystemDirs("python3." + minor).or(() -> inSystemDirs("python3"))
                    .or(() -> find("python3." + minor)).or(() -> find("python3")).orElseThrow(() -> new ArtifactException(
                    "runtime " + runtime + ": no python3." + minor + " or python3 on this host (expected: /usr/bin/python3)"));
        }
        if (runtime.equals("NODE_22")) {
            return find("node").orElseThrow(() -> new ArtifactException(
                    "runtime NODE_22: no node on this host (expected: /usr/bin/node)"));
        }
        throw new ArtifactException("runtime: " + runtime + " (expected: PYTHON_3_10 ... PYTHON_3_14 or NODE_22)");
    }

    /**
     * An executable by name: system directories first, then PATH without version-manager shim directories; the
     * result is a real, absolute path.
     */
    static Optional<Path> find(String name) {
        var candidates = new ArrayList<>(SYSTEM_DIRS);
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(":")) {
                if (!dir.isBlank() && !dir.contains("/shims")) {
                    candidates.add(Path.of(dir));
                }
            }
        }
        return firstIn(candidates, name);
    }

    private static Optional<Path> inSystemDirs(String name) {
        return firstIn(SYSTEM_DIRS, name);
    }

    private static Optional<Path> firstIn(List<Path> candidates, String name) {
        for (Path dir : candidates) {
            Path candidate = dir.resolve(name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                try {
                    return Optional.of(candidate.toRealPath());
                } catch (IOException e) {
                    // a dangling link: keep looking
                }
            }
        }
        return Optional.empty();
    }
}
