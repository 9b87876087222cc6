package io.hearth.sandbox.internal;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A program to start without pipes: its input read from a file, its output and errors together into one file, and
 * nothing else of the server's descriptors. The shapes Hearth's launches need, and no more.
 *
 * @param argv        the program and its arguments; a program without a {@code /} is looked up on the server's PATH
 * @param directory   its working directory
 * @param environment its whole environment: nothing of the server's is inherited
 * @param input       what it reads on stdin, for example {@code /dev/null}
 * @param output      where stdout and stderr both go
 * @param mode        whether the output is appended to or replaces what the file held
 * @param newSession  whether it leads a session (and process group) of its own, as {@code setsid} would make it
 */
record SpawnSpec(List<String> argv, Path directory, Map<String, String> environment, Path input, Path output,
        OutputMode mode, boolean newSession) {
    static final Path NO_INPUT = Path.of("/dev/null");

    enum OutputMode { APPEND, REPLACE }

    SpawnSpec {
        argv = List.copyOf(argv);
        environment = Map.copyOf(environment);
        requireNonNull(directory, "directory");
        requireNonNull(input, "input");
        requireNonNull(output, "output");
        requireNonNull(mode, "mode");
        if (argv.isEmpty() || argv.getFirst().isEmpty()) {
            throw new IllegalArgumentException("argv: " + argv + " (expected: a program, then its arguments)");
        }
        // C strings end at the first NUL: a NUL inside would silently cut an argument short.
        argv.forEach(a -> noNul("argument", a));
        environment.forEach((name, value) -> {
            if (name.isEmpty() || name.indexOf('=') >= 0) {
                throw new IllegalArgumentException("environment variable name: '" + name
                        + "' (expected: non-empty, without '=')");
            }
            noNul("environment variable " + name, name + value);
        });
        noNul("directory", directory.toString());
        noNul("input", input.toString());
        noNul("output", output.toString());
    }

    /** stdin from /dev/null, output appended to {@code log}: how agents and their launchers start. */
    static SpawnSpec logged(List<String> argv, Path directory, Map<String, String> environment, Path log,
            boolean newSession) {
        return new SpawnSpec(argv, directory, environment, NO_INPUT, log, OutputMode.APPEND, newSession);
    }

    private static void noNul(String what, String value) {
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(what + ": '" + value.replace("\0", "\\0")
                    + "' (expected: no NUL character)");
        }
    }
}
