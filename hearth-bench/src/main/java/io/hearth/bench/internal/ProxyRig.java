package io.hearth.bench.internal;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The same Java agent twice over: {@code n} processes the bench starts itself (direct and nginx targets) and
 * {@code n} Hearth sessions of a runtime made from the same code. Warm invoke, the big payload and the SSE run
 * all go through it, so each Hearth figure has a baseline with the same number of agent processes behind it.
 */
public final class ProxyRig implements AutoCloseable {
    private static final Duration READY = Duration.ofSeconds(60);

    private final List<BareAgent> bare;
    private final DeployedRuntime runtime;
    private final List<String> sessions;
    private final HearthNode hearth;

    private ProxyRig(List<BareAgent> bare, DeployedRuntime runtime, List<String> sessions, HearthNode hearth) {
        this.bare = bare;
        this.runtime = runtime;
        this.sessions = sessions;
        this.hearth = hearth;
    }

    static ProxyRig start(BenchContext context) {
        int n = context.config().proxySessions();
        HearthNode hearth = context.hearth();
        var artifacts = context.artifacts();
        context.progress().say("starting %d bare Java agents and %d Hearth sessions of the same agent", n, n);
        var bare = new ArrayList<BareAgent>();
        try {
            for (int i = 0; i < n; i++) {
                bare.add(BareAgent.start(artifacts.javaProgram(), Ports.free(), context.logFile("bare-java-" + i)));
            }
            for (BareAgent agent : bare) {
                agent.awaitReady(READY);
            }
            DeployedRuntime runtime = hearth.deploy("java", artifacts.javaAgent(), "PYTHON_3_12", List.of("hearth.json"), Map.of());
            var sessions = new ArrayList<String>();
            for (int i = 0; i < n; i++) {
                sessions.add(HearthNode.newSessionId());
            }
            openAll(hearth, runtime, sessions);
            return new ProxyRig(List.copyOf(bare), runtime, List.copyOf(sessions), hearth);
        } catch (RuntimeException e) {
            bare.forEach(BareAgent::close);
            throw e;
        }
    }

    private static void openAll(HearthNode hearth, DeployedRuntime runtime, List<String> sessions) {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var started = new ArrayList<Future<Long>>();
            for (String session : sessions) {
                started.add(pool.submit(() -> Readiness.hearthFirstByte(hearth.address(), HearthNode.invocationPath(runtime),
                        HearthNode.SESSION_HEADER, session)));
            }
            for (Future<Long> future : started) {
                future.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot open the rig's Hearth sessions: " + e.getMessage(), e);
        }
    }

    public int size() {
        return bare.size();
    }

    public InetSocketAddress bareAgent(int index) {
        return bare.get(index % bare.size()).address();
    }

    public List<InetSocketAddress> bareAgents() {
        return bare.stream().map(BareAgent::address).toList();
    }

    public String session(int index) {
        return sessions.get(index % sessions.size());
    }

    public List<String> sessions() {
        return sessions;
    }

    public DeployedRuntime runtime() {
        return runtime;
    }

    public HearthNode hearth() {
        return hearth;
    }

    /** Waits until Hearth has no exchange in flight on the rig's sessions, so one measurement's tail does not bleed into the next. */
    public void awaitQuiet(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            int inFlight = hearth.sessions(runtime, true).stream().mapToInt(s -> s.path("inFlight").asInt(0)).sum();
            if (inFlight == 0) {
                return;
            }
            Readiness.sleepMillis(100);
        }
    }

    @Override
    public void close() {
        bare.forEach(BareAgent::requestStop);
        bare.forEach(BareAgent::close);
    }
}
