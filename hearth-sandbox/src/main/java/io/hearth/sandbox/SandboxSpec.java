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
 * @param code        the version's code on the host, which the agent runs in at {@code /app} (copy-on-write); unused with
 *                    an image
 * @param command     argv; the executable is an absolute path (with an image, also a name on the image's PATH),
 *                    later elements may be paths relative to the working directory
 * @param environment the runtime's variables; drivers add {@code PORT} and {@code HEARTH_WORKSPACE}
 * @param limits      CPU, memory, processes and workspace size
 * @param network     what the agent may reach beyond Hearth
 * @param logFile     where the agent's stdout and stderr are appended
 * @param labels      free-form facts for operators (runtime, version, session), never interpreted
 * @param metadata    where an isolated sandbox's instance metadata requests go; empty: nowhere (they are dropped)
 * @param agentPort   the port the agent listens on inside an isolated sandbox (8080, 8000 or 9000 by protocol); the
 *                    process driver, whose agents share the host's ports, picks a free one and tells it in {@code PORT}
 * @param image       a container image's root filesystem to run on instead of the host's base; then the command's first
 *                    element may also be a name found on the image's {@code PATH}. Only the isolating drivers run one
 * @param resume      a hibernated sandbox's image to resume from instead of a fresh start: its files, and its memory when
 *                    the image holds it and the driver can restore it
 * @param storage     the session's persistent storage to mount; only the isolating drivers mount one
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
        Optional<MetadataRoute> metadata,
        int agentPort,
        Optional<ImageRoot> image,
        Optional<HibernationImage> resume,
        Optional<SessionStorageMount> storage) {

    /** Where an agent listens unless its protocol says otherwise (the HTTP protocol's port). */
    public static final int DEFAULT_AGENT_PORT = 8080;

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
        requireNonNull(image, "image");
        if (command.isEmpty() || command.getFirst().isEmpty()
                || (image.isEmpty() && !command.getFirst().startsWith("/"))) {
            throw new IllegalArgumentException("command: " + command + " (expected: an absolute executable first"
                    + (image.isPresent() ? ", or a program on the image's PATH)" : ")"));
        }
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
        labels = Map.copyOf(labels);
        requireNonNull(metadata, "metadata");
        if (agentPort < 1 || agentPort > 65_535) {
            throw new IllegalArgumentException("agentPort: " + agentPort + " (expected: 1 to 65535)");
        }
        requireNonNull(resume, "resume");
        requireNonNull(storage, "storage");
    }

    /** A fresh sandbox, without persistent storage. */
    public SandboxSpec(String id, Path code, List<String> command, Map<String, String> environment, ResourceLimits limits,
            NetworkMode network, Path logFile, Map<String, String> labels, Optional<MetadataRoute> metadata,
            int agentPort, Optional<ImageRoot> image) {
        this(id, code, command, environment, limits, network, logFile, labels, metadata, agentPort, image,
                Optional.empty(), Optional.empty());
    }

    /** The same sandbox, resumed from a hibernated one's image. */
    public SandboxSpec withResume(HibernationImage from) {
        return new SandboxSpec(id, code, command, environment, limits, network, logFile, labels, metadata, agentPort,
                image, Optional.of(from), storage);
    }

    /** The same sandbox, with the session's persistent storage mounted. */
    public SandboxSpec withStorage(SessionStorageMount mount) {
        return new SandboxSpec(id, code, command, environment, limits, network, logFile, labels, metadata, agentPort,
                image, resume, Optional.of(mount));
    }

    /** A sandbox on the host's base filesystem. */
    public SandboxSpec(String id, Path code, List<String> command, Map<String, String> environment, ResourceLimits limits,
            NetworkMode network, Path logFile, Map<String, String> labels, Optional<MetadataRoute> metadata,
            int agentPort) {
        this(id, code, command, environment, limits, network, logFile, labels, metadata, agentPort, Optional.empty());
    }

    /** The same sandbox on a container image's root filesystem. */
    public SandboxSpec withImage(ImageRoot root) {
        return new SandboxSpec(id, code, command, environment, limits, network, logFile, labels, metadata, agentPort,
                Optional.of(root), resume, storage);
    }

    /** An HTTP agent's sandbox (port 8080). */
    public SandboxSpec(String id, Path code, List<String> command, Map<String, String> environment, ResourceLimits limits,
            NetworkMode network, Path logFile, Map<String, String> labels, Optional<MetadataRoute> metadata) {
        this(id, code, command, environment, limits, network, logFile, labels, metadata, DEFAULT_AGENT_PORT);
    }

    /** A sandbox without a metadata route. */
    public SandboxSpec(String id, Path code, List<String> command, Map<String, String> environment, ResourceLimits limits,
            NetworkMode network, Path logFile, Map<String, String> labels) {
        this(id, code, command, environment, limits, network, logFile, labels, Optional.empty(), DEFAULT_AGENT_PORT);
    }
}
