package io.hearth.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

/** Code directories for the test agents, and specs that run them by absolute interpreter path. */
final class TestAgents {
    /** Debian's interpreter: the pyenv shim adds ~450 ms to every start. */
    static final String PYTHON = "/usr/bin/python3";

    private TestAgents() {}

    /** The example counter agent of the repository, copied into a world-readable directory. */
    static Path counter(Path parent) {
        Path source = Path.of("..", "examples", "python-counter", "agent.py").toAbsolutePath().normalize();
        try (InputStream in = Files.newInputStream(source)) {
            return codeDir(parent, "counter", "agent.py", in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + source, e);
        }
    }

    /** The escape probe from the test resources. */
    static Path probe(Path parent) {
        try (InputStream in = TestAgents.class.getResourceAsStream("/probe/probe.py")) {
            return codeDir(parent, "probe", "probe.py", in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the probe agent", e);
        }
    }

    private static Path codeDir(Path parent, String name, String file, InputStream content) throws IOException {
        Path dir = parent.resolve(name);
        Files.createDirectories(dir);
        Files.copy(content, dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        // Agents run as unprivileged uids: their code must be readable by others, as a deployed version's is.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(dir.resolve(file), PosixFilePermissions.fromString("rw-r--r--"));
        return dir;
    }

    static SandboxSpec spec(Path code, String file, ResourceLimits limits, NetworkMode network, Path logDir) {
        String id = SandboxIds.next();
        return new SandboxSpec(id, code, List.of(PYTHON, file), Map.of("GREETING", "hello from the runtime"),
                limits, network, logDir.resolve(id + ".log"), Map.of("test", "true"));
    }

    static ResourceLimits limits(double vcpus, int memoryMiB, int pids, int workspaceMiB) {
        return new ResourceLimits(vcpus, (long) memoryMiB << 20, pids, (long) workspaceMiB << 20);
    }
}
