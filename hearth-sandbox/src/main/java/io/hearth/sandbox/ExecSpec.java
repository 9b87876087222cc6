package io.hearth.sandbox;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A program to run inside a running sandbox, beside its agent: the same filesystem view, working directory, limits,
 * network and identity as the agent, never more.
 *
 * @param command     argv; the executable is an absolute path inside the sandbox (for example {@code /bin/sh})
 * @param environment added to the agent's own environment (it wins over the agent's values)
 * @param terminal    a pseudo-terminal of this size for the program's stdin, stdout and stderr (then everything it
 *                    writes arrives on {@link SandboxProcess#stdout()}); empty: three pipes
 */
public record ExecSpec(List<String> command, Map<String, String> environment, Optional<TerminalSize> terminal) {
    public ExecSpec {
        requireNonNull(command, "command");
        requireNonNull(environment, "environment");
        requireNonNull(terminal, "terminal");
        if (command.isEmpty() || !command.getFirst().startsWith("/")) {
            throw new IllegalArgumentException("command: " + command + " (expected: an absolute executable first)");
        }
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
    }

    /** With pipes, the agent's environment unchanged. */
    public static ExecSpec piped(List<String> command) {
        return new ExecSpec(command, Map.of(), Optional.empty());
    }

    /** A terminal's size in character cells. */
    public record TerminalSize(int columns, int rows) {
        public TerminalSize {
            if (columns < 1 || columns > 65_535 || rows < 1 || rows > 65_535) {
                throw new IllegalArgumentException("terminal size: " + columns + "x" + rows
                        + " (expected: columns and rows from 1 to 65535)");
            }
        }
    }
}
