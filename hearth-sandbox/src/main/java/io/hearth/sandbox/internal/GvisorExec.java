package io.hearth.sandbox.internal;

import io.hearth.sandbox.ExecSpec;
import io.hearth.sandbox.SandboxException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a program in a gVisor sandbox with {@code runsc exec}: the program is a process of gVisor's kernel, beside the
 * agent, as its uid, with its environment and working directory, no capabilities, in the sandbox's cgroups (those of
 * the sentry that runs it). The JVM's child is the runsc CLI, which waits for the program and exits with its status.
 *
 * <p>A terminal: {@code runsc exec --console-socket} hands over a pty's master only in {@code --detach} mode, where the
 * program's exit status stays with a runsc child the JVM cannot wait for. Instead the pty is ours (allocated on the
 * host like the other drivers'), the CLI runs in a session that has its slave as controlling terminal, and the process
 * spec says {@code terminal: true}: runsc then hands the slave to gVisor as the program's controlling terminal and
 * forwards the SIGINT (^C) and SIGWINCH (resize) that the host's line discipline sends the CLI to the program's
 * foreground process group, and gVisor passes size queries to the host terminal. gVisor serves that terminal under
 * no name, so isatty(3) holds but tty(1) and ttyname(3) answer "not a tty". A terminal of gVisor's own devpts (under
 * script(1), say) would have a /dev/pts name, but this runsc's line discipline turns no ^C into SIGINT: the shell's
 * foreground program could not be interrupted, which matters more than the name.
 *
 * <p>A program that runsc cannot start (no such executable inside) fails the exec with runsc's message.
 */
final class GvisorExec {
    private static final Logger LOG = LoggerFactory.getLogger(GvisorExec.class);
    /** runsc exec takes some 0.3 s to start a program; under load, more. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);
    private static final AtomicLong SEQUENCE = new AtomicLong();

    /**
     * Kills a process, its descendants and every process of their sessions and groups: run inside the sandbox, as
     * the sandbox's uid, since gVisor's processes are not the host's. Three passes catch what forked meanwhile.
     */
    private static final String KILL_TREE = String.join("\n",
            "root=$1",
            "for pass in 1 2 3; do",
            "  tree=\" $root \"; changed=1",
            "  while [ $changed = 1 ]; do",
            "    changed=0",
            "    for f in /proc/[0-9]*/stat; do",
            "      read -r line < \"$f\" 2>/dev/null || continue",
            "      pid=${line%% *}; rest=${line##*) }; set -- $rest",
            "      case \"$tree\" in *\" $pid \"*) continue ;; esac",
            "      case \"$tree\" in *\" $2 \"*|*\" $3 \"*|*\" $4 \"*) tree=\"$tree$pid \"; changed=1 ;; esac",
            "    done",
            "  done",
            "  kill -9 $tree 2>/dev/null",
            "done",
            "exit 0");

    private GvisorExec() {}

    static ExecProcess start(IsolatedSandbox sandbox, List<String> runsc, ExecSpec spec,
            Map<String, String> environment) {
        Path files = sandbox.dir().resolve("exec");
        long n = SEQUENCE.incrementAndGet();
        Path processFile = files.resolve(n + ".json");
        Path pidFile = files.resolve(n + ".pid");
        Optional<Pty> terminal = Optional.empty();
        try {
            Files.createDirectories(files);
            Files.writeString(processFile, processSpec(AgentProcess.of(sandbox.dir().resolve("bundle")), spec,
                    environment));
            terminal = spec.terminal().map(Pty::onHost);
        } catch (IOException | RuntimeException e) {
            terminal.ifPresent(Pty::close);
            deleteQuietly(processFile);
            throw new SandboxException("sandbox " + sandbox.id() + ": cannot prepare " + spec.command().getFirst() + ": "
                    + e.getMessage(), e);
        }
        var argv = new ArrayList<String>(List.of("/usr/bin/setsid"));
        if (terminal.isPresent()) {
            argv.add("--ctty");
        }
        argv.add("--");
        argv.addAll(runsc);
        argv.addAll(List.of("exec", "--process", processFile.toString(), "--internal-pid-file", pidFile.toString(),
                sandbox.id()));
        String description = "sandbox " + sandbox.id() + ": " + spec.command().getFirst();
        ExecProcess process = HostExec.start(description, List.of(), terminal, argv, Path.of("/"), environment,
                host -> kill(sandbox, runsc, pidFile, host));
        process.onClose(() -> {
            deleteQuietly(processFile);
            deleteQuietly(pidFile);
        });
        awaitStart(description, process, pidFile, terminal.isPresent());
        deleteQuietly(processFile); // read by runsc once the program runs
        return process;
    }

    private static String processSpec(AgentProcess agent, ExecSpec spec, Map<String, String> environment) {
        var process = new LinkedHashMap<String, Object>();
        process.put("terminal", spec.terminal().isPresent());
        process.put("user", Map.of("uid", agent.uid(), "gid", agent.gid()));
        process.put("args", spec.command());
        process.put("env", environment.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
        process.put("cwd", agent.cwd());
        process.put("noNewPrivileges", true);
        List<String> none = List.of();
        process.put("capabilities", Map.of(
                "bounding", none, "effective", none, "inheritable", none, "permitted", none, "ambient", none));
        return Json.write(process);
    }

    /** Returns once runsc has written the program's pid; throws with runsc's own words when it exits first. */
    private static void awaitStart(String description, ExecProcess process, Path pidFile, boolean terminal) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (guestPid(pidFile).isEmpty()) {
            if (process.exit().isDone() || System.nanoTime() > deadline) {
                String why = process.exit().isDone() ? "runsc exited with " + process.exit().join()
                        + (terminal ? "" : ": " + firstLines(process.stderr())) : "runsc did not start it within " + START_TIMEOUT;
                process.close();
                throw new SandboxException(description + ": cannot start: " + why
                        + " (expected: an absolute path to an executable inside the sandbox)");
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.close();
                throw new SandboxException(description + ": interrupted while starting", e);
            }
        }
    }

    private static String firstLines(InputStream stderr) {
        try {
            byte[] bytes = stderr.readNBytes(2_000);
            return new String(bytes, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "(its message could not be read: " + e.getMessage() + ")";
        }
    }

    private static void kill(IsolatedSandbox sandbox, List<String> runsc, Path pidFile, Process host) {
        OptionalLong pid = guestPid(pidFile);
        // Once runsc has returned, the program has ended; what it left running ends with the sandbox.
        if (pid.isPresent() && host.isAlive() && sandbox.isAlive()) {
            var argv = new ArrayList<>(runsc);
            AgentProcess agent = AgentProcess.of(sandbox.dir().resolve("bundle"));
            argv.addAll(List.of("exec", "--user", agent.uid() + ":" + agent.gid(), sandbox.id(),
                    "/bin/sh", "-c", KILL_TREE, "hearth-kill", Long.toString(pid.getAsLong())));
            try {
                var result = HostCommand.run(argv, "", KILL_TIMEOUT);
                if (!result.ok()) {
                    LOG.debug("sandbox {}: killing program {} inside: {}", sandbox.id(), pid.getAsLong(), result.output());
                }
            } catch (RuntimeException e) {
                LOG.warn("sandbox {}: cannot kill program {} inside; killing the runsc that runs it", sandbox.id(),
                        pid.getAsLong(), e);
            }
        }
        // Once the program is gone runsc exits by itself; if not, or if the sandbox is gone, it goes now.
        try {
            host.onExit().get(2, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // still there
        }
        ExecTree.kill(host.toHandle());
    }

    /** The agent's user and working directory, as its OCI bundle gave them to runsc. */
    record AgentProcess(long uid, long gid, String cwd) {
        private static final Pattern USER = Pattern.compile("\"user\"\\s*:\\s*\\{([^}]*)}");
        private static final Pattern CWD = Pattern.compile("\"cwd\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

        static AgentProcess of(Path bundle) {
            Path config = bundle.resolve("config.json");
            try {
                String json = Files.readString(config);
                Matcher user = USER.matcher(json);
                Matcher cwd = CWD.matcher(json);
                if (!user.find() || !cwd.find()) {
                    throw new SandboxException(config + ": no process user or cwd (expected: the agent's)");
                }
                return new AgentProcess(number(user.group(1), "uid", config), number(user.group(1), "gid", config),
                        cwd.group(1).replace("\\\"", "\"").replace("\\\\", "\\"));
            } catch (IOException e) {
                throw new SandboxException("cannot read " + config + ": " + e.getMessage(), e);
            }
        }

        private static long number(String user, String field, Path config) {
            Matcher m = Pattern.compile("\"" + field + "\"\\s*:\\s*(\\d+)").matcher(user);
            if (!m.find()) {
                throw new SandboxException(config + ": process user has no " + field + " (expected: a number)");
            }
            return Long.parseLong(m.group(1));
        }
    }

    private static OptionalLong guestPid(Path pidFile) {
        try {
            String text = Files.readString(pidFile).trim();
            return text.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(text));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.debug("cannot remove {}", file, e);
        }
    }
}
