package io.hearth.sandbox.internal;

import static java.util.Objects.requireNonNull;

import io.hearth.api.Workers;
import io.hearth.sandbox.ExecSpec;
import io.hearth.sandbox.ReclaimReport;
import io.hearth.sandbox.Sandbox;
import io.hearth.sandbox.SandboxDriver;
import io.hearth.sandbox.SandboxException;
import io.hearth.sandbox.SandboxExit;
import io.hearth.sandbox.SandboxProcess;
import io.hearth.sandbox.SandboxSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each agent as a plain child process in its own process group, on a port of its own told through
 * {@code PORT}. It isolates nothing: development only.
 */
public final class ProcessDriver implements SandboxDriver {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessDriver.class);

    /** Runs each sandbox's teardown once its process has ended: it signals its group, waits and deletes files. */
    private static final Workers TEARDOWN = Workers.bounded("hearth-process-teardown", 16, 100_000);
    /** After SIGKILL, how long stop() waits for the teardown that follows before it returns anyway. */
    private static final Duration TEARDOWN_WAIT = Duration.ofSeconds(10);

    private final Path stateRoot;
    private final Duration stopGrace;
    private static final int AGENT_PORTS_LOW = 20_000;
    private static final java.util.concurrent.atomic.AtomicInteger PORT_CURSOR =
            new java.util.concurrent.atomic.AtomicInteger(new java.util.Random().nextInt(10_000));

    private final Map<String, ProcessSandbox> running = new ConcurrentHashMap<>();
    private final DriverLifecycle lifecycle = new DriverLifecycle("process");

    public ProcessDriver(Path stateRoot, Duration stopGrace) {
        this.stateRoot = requireNonNull(stateRoot, "stateRoot");
        this.stopGrace = requireNonNull(stopGrace, "stopGrace");
        try {
            Files.createDirectories(stateRoot);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create sandbox state directory " + stateRoot, e);
        }
    }

    @Override
    public String name() {
        return "process";
    }

    @Override
    public String isolationSummary() {
        return "NO ISOLATION: agents run as plain processes of this user and can read and signal anything it can."
                + " Use only for development.";
    }

    @Override
    public Sandbox start(SandboxSpec spec) {
        if (spec.image().isPresent()) {
            // It would run the image's programs on the host's own filesystem, as the server's user.
            throw new SandboxException("sandbox " + spec.id() + ": image " + spec.image().get().rootfs()
                    + " cannot run under the process driver (expected: container images need --isolation namespaces"
                    + " or gvisor)");
        }
        lifecycle.beginStart(spec.id());
        try {
            return startCounted(spec);
        } finally {
            lifecycle.endStart();
        }
    }

    private Sandbox startCounted(SandboxSpec spec) {
        Path dir = stateRoot.resolve(spec.id());
        Path workspace = dir.resolve("workspace");
        try {
            Files.createDirectories(workspace);
            Files.createDirectories(spec.logFile().toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new SandboxException("sandbox " + spec.id() + ": cannot create its directories under " + dir, e);
        }
        int port = freeLoopbackPort();
        var env = baseEnvironment(workspace);
        env.putAll(spec.environment());
        env.put("PORT", Integer.toString(port));
        env.put("HEARTH_WORKSPACE", workspace.toString());
        Process process;
        try {
            // A session of its own, so stop and reclaim reach every descendant through its process group.
            process = Spawner.start(SpawnSpec.logged(spec.command(), spec.code(), env, spec.logFile().toAbsolutePath(),
                    true));
        } catch (IOException e) {
            ProcessTree.deleteRecursively(dir);
            throw new SandboxException("sandbox " + spec.id() + ": cannot start " + spec.command() + ": " + e.getMessage(), e);
        }
        var sandbox = new ProcessSandbox(spec.id(), dir, process, new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                spec.code(), Map.copyOf(env));
        try {
            LeftoverRecord.write(dir, process.toHandle());
        } catch (RuntimeException e) {
            DriverLifecycle.discard(sandbox, TEARDOWN_WAIT);
            throw new SandboxException("sandbox " + spec.id() + ": cannot record its process: " + e.getMessage(), e);
        }
        // Registered only while the driver is open; a start that lost the race with close() stops what it made.
        if (!lifecycle.register(() -> {
            running.put(spec.id(), sandbox);
            sandbox.exit().whenComplete((exit, failure) -> running.remove(spec.id()));
        })) {
            DriverLifecycle.discard(sandbox, TEARDOWN_WAIT);
            throw lifecycle.closedError(spec.id());
        }
        return sandbox;
    }

    @Override
    public ReclaimReport reclaimLeftovers() {
        var removed = new ArrayList<String>();
        try (var dirs = Files.list(stateRoot)) {
            for (Path dir : dirs.toList()) {
                if (running.containsKey(dir.getFileName().toString())) {
                    continue;
                }
                LeftoverRecord.read(dir).flatMap(LeftoverRecord::liveProcess).ifPresent(ProcessTree::killGroup);
                ProcessTree.deleteRecursively(dir);
                removed.add(dir.getFileName().toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + stateRoot, e);
        }
        return new ReclaimReport(name(), removed);
    }

    @Override
    public void close() {
        lifecycle.close(() -> List.copyOf(running.values()), stopGrace);
    }

    private static Map<String, String> baseEnvironment(Path workspace) {
        var env = new HashMap<String, String>();
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("HOME", workspace.toString());
        env.put("LANG", "C.UTF-8");
        env.put("PYTHONUNBUFFERED", "1");
        return env;
    }

    /**
     * A free loopback port below the kernel's ephemeral range: a port from that range could be taken by an outgoing
     * connection (a ping, a proxied call) between this check and the agent's bind. Successive calls rotate through
     * the range, so two agents starting together are not offered the same port.
     */
    private static int freeLoopbackPort() {
        int low = AGENT_PORTS_LOW;
        int high = ephemeralLow() - 1;
        int span = high - low + 1;
        for (int tried = 0; tried < span; tried++) {
            int port = low + Math.floorMod(PORT_CURSOR.getAndIncrement(), span);
            try (var socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException e) {
                // taken: try the next
            }
        }
        throw new SandboxException("no free loopback port for an agent in " + low + "-" + high);
    }

    private static int ephemeralLow() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
            int low = Integer.parseInt(range.split("\\s+")[0]);
            return low > AGENT_PORTS_LOW + 1_000 ? low : 32_768;
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }

    private final class ProcessSandbox implements DriverLifecycle.Stoppable {
        private final String id;
        private final Path dir;
        private final Process process;
        private final InetSocketAddress address;
        private final AtomicBoolean stopRequested = new AtomicBoolean();
        private final CompletableFuture<SandboxExit> exit = new CompletableFuture<>();
        private final Path code;
        private final Map<String, String> environment;
        private final ExecRegistry execs;

        ProcessSandbox(String id, Path dir, Process process, InetSocketAddress address, Path code,
                Map<String, String> environment) {
            this.id = id;
            this.dir = dir;
            this.process = process;
            this.address = address;
            this.code = code;
            this.environment = environment;
            this.execs = new ExecRegistry(id);
            // Teardown waits for the group to go and deletes files: not on the process reaper thread, unless the
            // teardown workers refuse it, since an exit nobody completes would block every stop() after it.
            process.onExit().whenComplete((p, failure) -> DriverLifecycle.runOrInline(TEARDOWN, this::ended));
        }

        private void ended() {
            int code = process.exitValue();
            SandboxExit why;
            if (stopRequested.get()) {
                why = new SandboxExit.Stopped();
            } else if (code > 128) {
                why = new SandboxExit.Signalled(code - 128);
            } else {
                why = new SandboxExit.Exited(code);
            }
            try {
                execs.closeAll();
                // The leader is gone; anything it forked into the group goes with it.
                ProcessTree.killGroup(process.toHandle());
                ProcessTree.deleteRecursively(dir);
            } catch (RuntimeException e) {
                LOG.warn("sandbox {}: teardown failed; reclaim at the next start removes the rest", id, e);
            } finally {
                LOG.debug("sandbox {} ended: {}", id, why.detail());
                exit.complete(why);
            }
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public InetSocketAddress agentAddress() {
            return address;
        }

        @Override
        public CompletableFuture<SandboxExit> exit() {
            return exit;
        }

        /** The agent is the process itself: its exit, not the teardown's end. */
        @Override
        public boolean isAlive() {
            return process.isAlive();
        }

        /**
         * Runs the program as a child of this JVM in a session of its own (setsid; with a terminal, as its controlling
         * terminal), from the agent's code directory with the agent's environment: as little isolated as the agent.
         */
        @Override
        public SandboxProcess exec(ExecSpec spec) {
            execs.admit(process.isAlive() && !stopRequested.get());
            Path executable = Path.of(spec.command().getFirst());
            if (!Files.isRegularFile(executable) || !Files.isExecutable(executable)) {
                throw new SandboxException("sandbox " + id + ": " + executable
                        + " is not an executable file (expected: an absolute path to a program of the host)");
            }
            var env = new HashMap<>(environment);
            env.putAll(spec.environment());
            // Signals at their defaults: a JVM started in the background of a script ignores SIGINT and SIGQUIT, and
            // programs inherit that, so Ctrl-C in a shell would reach nothing.
            var argv = new ArrayList<>(List.of("/usr/bin/env", "--default-signal"));
            argv.addAll(spec.terminal().isPresent()
                    ? List.of("/usr/bin/setsid", "--ctty", "--") : List.of("/usr/bin/setsid", "--"));
            argv.addAll(spec.command());
            Optional<Pty> terminal = spec.terminal().map(Pty::onHost);
            String description = "sandbox " + id + ": " + spec.command().getFirst();
            return execs.register(HostExec.start(description, List.of(), terminal, argv, code, env,
                    host -> {
                        ExecTree.kill(host.toHandle());
                        // setsid made the program a session leader: its session holds what it left behind.
                        ExecTree.killSession(host.pid());
                    }));
        }

        @Override
        public boolean requestStop() {
            if (!stopRequested.compareAndSet(false, true) || !process.isAlive()) {
                return false;
            }
            try {
                ProcessTree.signalGroup(process.toHandle(), Libc.SIGTERM);
            } catch (RuntimeException e) {
                LOG.warn("sandbox {}: cannot send SIGTERM to its process group; killing it", id, e);
                forceStop();
            }
            return true;
        }

        @Override
        public CompletableFuture<?> processExit() {
            return process.onExit();
        }

        @Override
        public void forceStop() {
            try {
                ProcessTree.killGroup(process.toHandle());
            } catch (RuntimeException e) {
                LOG.warn("sandbox {}: cannot signal its process group; killing its processes one by one", id, e);
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }

        @Override
        public void stop() {
            DriverLifecycle.stopOne(this, stopGrace, TEARDOWN_WAIT);
        }
    }

}
