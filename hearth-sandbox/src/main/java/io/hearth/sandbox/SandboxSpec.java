package io.hearth.sandbox;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Everything a driver needs to build one sandbox.
 *
 * @param id          fixed-length id, never a prefix of another (runsc looks sandboxes up by prefix)
 * @param code        the version's code on the host; the agent sees it read-only and runs with it as working directory
 * @param command     argv; the executable is an absolute path, later elements may be paths relative to the code
 * @param environment the runtime's variables; drivers add {@code PORT} and {@code HEARTH_WORKSPACE}
 * @param limits      CPU, memory, processes and workspace size
 * @param network     what the agent may reach beyond Hearth
 * @param logFile     where the agent's stdout and stderr are appended
 * @param labels      free-form facts for operators (runtime, version, session), never interpreted
 * @param metadata    where an isolated sandbox's instance metadata requests go; empty: nowhere (they are dropped)
 */
public record SandboxSpec(
        String id,
        Path code,
        List<String> command,
        Map<String, String> environment,
        ResourceLimits limits,
        NetworkMode network,
        Path logFile,
        Map<String, String> labels,
        Optional<MetadataRoute> metadata) {

    private static final Pattern ID = Pattern.compile("sb-[a-z0-9]{20}");

    public SandboxSpec {
        requireNonNull(id, "id");
        requireNonNull(code, "code");
        requireNonNull(limits, "limits");
        requireNonNull(network, "network");
        requireNonNull(logFile, "logFile");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("id: " + id + " (expected: sb- and 20 lower-case letters or digits)");
        }
        if (command.isEmpty() || !command.getFirst().startsWith("/")) {
            throw new IllegalArgumentException("command: " + command + " (expected: an absolute executable first)");
        }
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
        labels = Map.copyOf(labels);
        requireNonNull(metadata, "metadata");
    }

    /** A sandbox without a metadata route. */
    public SandboxSpec(String id, Path code, List<String> command, Map<String, String> environment, ResourceLimits limits,
            NetworkMode network, Path logFile, Map<String, String> labels) {
        this(id, code, command, environment, limits, network, logFile, labels, Optional.empty());
    }
}
