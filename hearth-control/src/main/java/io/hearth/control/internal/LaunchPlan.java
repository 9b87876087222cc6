package io.hearth.control.internal;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How one resolved version starts: its own copy of the code, the argv (absolute executable first), and the
 * variables its runtime adds before the user's.
 */
record LaunchPlan(Path code, List<String> command, Map<String, String> environment) {
    LaunchPlan {
        requireNonNull(code, "code");
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
        if (command.isEmpty() || !command.getFirst().startsWith("/")) {
            throw new IllegalArgumentException("command: " + command + " (expected: an absolute executable first)");
        }
    }
}
