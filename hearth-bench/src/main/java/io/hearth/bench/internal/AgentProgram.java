package io.hearth.bench.internal;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How an agent starts outside Hearth: the same argv, working directory and variables Hearth's process driver would
 * use, so a bare start and a session start run the same program.
 */
public record AgentProgram(List<String> command, Path workDir, Map<String, String> environment) {
    public AgentProgram {
        command = List.copyOf(requireNonNull(command, "command"));
        requireNonNull(workDir, "workDir");
        environment = Map.copyOf(requireNonNull(environment, "environment"));
        if (command.isEmpty() || !command.getFirst().startsWith("/")) {
            throw new IllegalArgumentException("command: " + command + " (expected: an absolute executable first)");
        }
    }
}
