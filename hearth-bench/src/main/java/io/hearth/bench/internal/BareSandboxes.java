package io.hearth.bench.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The density baseline per driver: the agent started by hand under the same kind of isolation the driver gives, on
 * the host's network (so it listens on loopback): a plain process, a bubblewrap sandbox with every namespace but the
 * network's, or a runsc container ({@link BareRunsc}). What Hearth's drivers add on top (a netns and veth per
 * sandbox, cgroup limits, a copy-on-write root) is what the density rows charge to Hearth.
 */
final class BareSandboxes implements AutoCloseable {
    private static final Path BWRAP = Path.of("/usr/bin/bwrap");
    /** Stopping hundreds of agents one by one takes minutes under runsc; a few at a time keeps teardown bounded. */
    private static final int PARALLEL_STOPS = 4;

    private final String driver;
    private final BareRunsc runsc;
    private final List<BareAgent> agents = Collections.synchronizedList(new ArrayList<>());
    private final List<BareRunsc.Container> containers = Collections.synchronizedList(new ArrayList<>());

    private BareSandboxes(String driver, BareRunsc runsc) {
        this.driver = driver;
        this.runsc = runsc;
    }

    /** The baseline for {@code driver}: {@code process}, {@code namespaces} or {@code gvisor}. */
    static BareSandboxes forDriver(String driver, Path workDir) {
        return switch (driver) {
            case "process" -> new BareSandboxes(driver, null);
            case "namespaces" -> {
                if (!Files.isExecutable(BWRAP)) {
                    throw new IllegalStateException("bwrap: " + BWRAP + " not found (expected: bubblewrap installed)");
                }
                yield new BareSandboxes(driver, null);
            }
            case "gvisor" -> new BareSandboxes(driver, new BareRunsc(BareRunsc.find(), workDir.resolve("density-runsc")));
            default -> throw new IllegalArgumentException("driver: " + driver + " (expected: process, namespaces or gvisor)");
        };
    }

    /** The baseline's name in the report. */
    static String name(String driver) {
        return switch (driver) {
            case "namespaces" -> "bare bwrap";
            case "gvisor" -> "bare runsc";
            default -> "bare processes";
        };
    }

    /** What the baseline is, for the row's notes. */
    static String how(String driver) {
        return switch (driver) {
            case "namespaces" -> "baseline: bwrap --unshare-all --share-net, host root read-only, no cgroups, netns or veth";
            case "gvisor" -> "baseline: runsc run --network=host, host root read-only, no cgroups, netns or veth";
            default -> "baseline: the same agents started by hand";
        };
    }

    /** Starts one agent on {@code port}; returns once it is started, not ready. */
    BareAgent start(AgentProgram program, int port, Path log) {
        AgentProgram started = switch (driver) {
            case "namespaces" -> bubblewrapped(program);
            case "gvisor" -> {
                BareRunsc.Container container = runsc.prepare(program, port);
                containers.add(container);
                yield container.program();
            }
            default -> program;
        };
        BareAgent agent = BareAgent.start(started, port, log);
        agents.add(agent);
        return agent;
    }

    /** Agents still running. */
    int alive() {
        synchronized (agents) {
            return (int) agents.stream().filter(BareAgent::isAlive).count();
        }
    }

    private static AgentProgram bubblewrapped(AgentProgram program) {
        String code = program.workDir().toAbsolutePath().toString();
        // The code sits under the bench's scratch directory, in /tmp: bound again over the private /tmp.
        // No --die-with-parent: its signal follows the thread that spawned bwrap, and the starting threads end before
        // the agents are counted. close() stops what runs inside first instead.
        var command = new ArrayList<>(List.of(BWRAP.toString(), "--unshare-all", "--share-net", "--new-session", "--cap-drop", "ALL", "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev",
                "--tmpfs", "/tmp", "--ro-bind", code, code, "--chdir", code, "--"));
        command.addAll(program.command());
        return new AgentProgram(command, program.workDir(), program.environment());
    }

    /** Stops every agent, then removes what runsc keeps of its containers. */
    @Override
    public void close() {
        List<BareAgent> started;
        synchronized (agents) {
            started = List.copyOf(agents);
        }
        if (driver.equals("namespaces")) {
            // bwrap's init holds the agent in its own pid namespace; stopping bwrap alone would leave both running.
            started.forEach(agent -> ProcessHandle.of(agent.pid()).ifPresent(h -> h.descendants().forEach(ProcessHandle::destroy)));
        }
        started.forEach(BareAgent::requestStop);
        try (ExecutorService stops = Executors.newFixedThreadPool(PARALLEL_STOPS)) {
            started.forEach(agent -> stops.submit(agent::close));
            if (runsc != null) {
                List<BareRunsc.Container> made;
                synchronized (containers) {
                    made = List.copyOf(containers);
                }
                made.forEach(container -> stops.submit(() -> runsc.remove(container)));
            }
            stops.shutdown();
            if (!stops.awaitTermination(5, TimeUnit.MINUTES)) {
                stops.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
