package io.hearth.sandbox.internal;

import io.hearth.sandbox.SandboxException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Starts the host side of an exec'd program through a small shell that first joins the sandbox's cgroups (so its
 * limits count the program) and, with a terminal, opens the slave as stdin, stdout and stderr: opened there rather
 * than by the JVM, because a JVM that leads a session (as under systemd) would take the terminal as its own
 * controlling terminal on open.
 */
final class HostExec {
    private static final String WRAPPER = String.join("\n",
            "n=$1; shift",
            "while [ \"$n\" -gt 0 ]; do echo $$ > \"$1\" || exit 126; shift; n=$((n - 1)); done",
            "tty=$1; shift",
            // One read-write open file for all three, as a login gives: gVisor serves the terminal from stdin's.
            "if [ -n \"$tty\" ]; then exec \"$@\" <>\"$tty\" >&0 2>&0; fi",
            "exec \"$@\"");

    private HostExec() {}

    /**
     * @param cgroupProcs the {@code cgroup.procs} files to join before anything else runs; may be empty
     * @param terminal    the terminal to run on, closed here if the start fails
     * @param argv        what the shell execs: the host tools that enter the sandbox, then the program
     */
    static ExecProcess start(String description, List<Path> cgroupProcs, Optional<Pty> terminal, List<String> argv,
            Path directory, Map<String, String> environment, ExecProcess.Killer killer) {
        var command = new ArrayList<>(List.of("/bin/sh", "-c", WRAPPER, "hearth-exec"));
        command.add(Integer.toString(cgroupProcs.size()));
        cgroupProcs.forEach(p -> command.add(p.toString()));
        command.add(terminal.map(t -> t.slave().toString()).orElse(""));
        command.addAll(argv);
        var builder = new ProcessBuilder(command).directory(directory.toFile());
        if (terminal.isPresent()) {
            builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
        }
        builder.environment().clear();
        builder.environment().putAll(environment);
        try {
            return new ExecProcess(description, builder.start(), terminal, killer);
        } catch (IOException | RuntimeException e) {
            terminal.ifPresent(Pty::close);
            throw new SandboxException(description + ": cannot start: " + e.getMessage(), e);
        }
    }
}
