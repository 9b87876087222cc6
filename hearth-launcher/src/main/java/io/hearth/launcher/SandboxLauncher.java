package io.hearth.launcher;

import static java.util.Objects.requireNonNull;

import io.hearth.deployment.Deployment;
import io.hearth.identity.SandboxIdentities;
import io.hearth.sandbox.HibernationImage;
import io.hearth.sandbox.HibernationKind;
import io.hearth.sandbox.ImageRoot;
import io.hearth.sandbox.SessionStorageMount;
import io.hearth.sandbox.Sandbox;
import io.hearth.sandbox.SandboxDriver;
import io.hearth.sandbox.SandboxException;
import io.hearth.sandbox.SandboxSpec;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.eclipse.jetty.client.HttpClient;

/**
 * Builds a sandbox for a deployment and waits until its agent answers {@code GET /ping}: the one way sandboxes
 * start, whether for a session (cold start) or for a pool (ahead of need). Records how long each start took per
 * driver, so cold-start latency is visible in the metrics.
 */
public final class SandboxLauncher {
    /** How long a start that saw its agent's process end waits for the sandbox to say why. */
    private static final Duration EXIT_REPORT_WAIT = Duration.ofSeconds(5);

    private final Function<Deployment, SandboxDriver> drivers;
    private final AgentProbe probe;
    private final HttpClient agentClient;
    private final Duration readinessTimeout;
    private final Path logsDir;
    private final Map<String, String> baseEnvironment;
    private final MeterRegistry meters;
    private final SandboxIdentities identities;
    private final Optional<Supplier<URI>> publicEndpoint;
    /** Logs still written to: those of sandboxes started and not yet ended (rotated while live, never deleted). */
    private final java.util.Set<Path> liveLogs = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Sandboxes started and not yet ended, by id: what they use is read from them on demand. */
    private final Map<String, Sandbox> live = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param drivers         picks the driver for a deployment (per-runtime isolation)
     * @param logsDir         agent logs go to {@code <logsDir>/<runtimeId>/<sandboxId>.log}
     * @param baseEnvironment variables every agent gets (region and the like), before the runtime's own
     */
    public SandboxLauncher(Function<Deployment, SandboxDriver> drivers, HttpClient agentClient, Duration readinessTimeout,
            Path logsDir, Map<String, String> baseEnvironment, MeterRegistry meters) {
        this(drivers, agentClient, readinessTimeout, logsDir, baseEnvironment, meters, SandboxIdentities.NONE);
    }

    /** @param identities told which sandbox runs as which role, so the agent gets its runtime's AWS credentials */
    public SandboxLauncher(Function<Deployment, SandboxDriver> drivers, HttpClient agentClient, Duration readinessTimeout,
            Path logsDir, Map<String, String> baseEnvironment, MeterRegistry meters, SandboxIdentities identities) {
        this(drivers, agentClient, readinessTimeout, logsDir, baseEnvironment, meters, identities, Optional.empty());
    }

    /**
     * @param publicEndpoint where callers reach Hearth (asked at each start, since the port may be known only once
     *                       the server listens): agents learn their own invocation URL from it in
     *                       {@code AGENTCORE_RUNTIME_URL}, as A2A agents advertise it in their card
     */
    public SandboxLauncher(Function<Deployment, SandboxDriver> drivers, HttpClient agentClient, Duration readinessTimeout,
            Path logsDir, Map<String, String> baseEnvironment, MeterRegistry meters, SandboxIdentities identities,
            Optional<Supplier<URI>> publicEndpoint) {
        this.publicEndpoint = requireNonNull(publicEndpoint, "publicEndpoint");
        this.identities = requireNonNull(identities, "identities");
        this.drivers = requireNonNull(drivers, "drivers");
        this.agentClient = requireNonNull(agentClient, "agentClient");
        this.probe = new AgentProbe(agentClient);
        this.readinessTimeout = requireNonNull(readinessTimeout, "readinessTimeout");
        this.logsDir = requireNonNull(logsDir, "logsDir");
        this.baseEnvironment = Map.copyOf(baseEnvironment);
        this.meters = requireNonNull(meters, "meters");
    }

    /** @throws LaunchException when no driver can serve the deployment */
    public String driverName(Deployment deployment) {
        return driverFor(deployment).name();
    }

    /**
     * Closes Hearth's idle connections to an agent: a sandbox about to hibernate must hold no open connection, since
     * gVisor cannot save a connected socket, and a resumed agent has new addresses anyway.
     */
    public void dropConnections(java.net.InetSocketAddress agent) {
        String host = agent.getAddress().getHostAddress();
        for (var destination : agentClient.getDestinations()) {
            var origin = destination.getOrigin().getAddress();
            if (origin.getPort() == agent.getPort() && origin.getHost().equals(host)) {
                agentClient.removeDestination(destination);
                org.eclipse.jetty.util.component.LifeCycle.stop(destination);
            }
        }
    }

    /**
     * Closes Hearth's connections to an agent and waits, at most {@code timeout}, until the agent's ends are closed too
     * (a health ping that raced the first close is closed again); false if one is still open then.
     */
    public boolean quiesce(java.net.InetSocketAddress agent, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            dropConnections(agent);
            if (!AgentSockets.anyOpen(agent)) {
                // Closed on the host; the last ACK of each close may still be on its way into the sandbox's stack.
                sleepQuietly(QUIESCE_SETTLE);
                return true;
            }
            if (System.nanoTime() >= deadline) {
                return false;
            }
            if (!sleepQuietly(Duration.ofMillis(10))) {
                return false;
            }
        }
    }

    private static final Duration QUIESCE_SETTLE = Duration.ofMillis(50);

    private static boolean sleepQuietly(Duration duration) {
        try {
            Thread.sleep(duration);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** What a sandbox of this deployment keeps when it hibernates; empty when its driver cannot hibernate one. */
    public Optional<HibernationKind> hibernation(Deployment deployment) {
        return driverFor(deployment).hibernation();
    }

    public Path logFile(Deployment deployment, String sandboxId) {
        return logsDir.resolve(deployment.runtimeId()).resolve(sandboxId + ".log");
    }

    public Path logsDir() {
        return logsDir;
    }

    /** CPU and memory of a running sandbox, read now from its cgroups; empty for drivers without them, or once it ended. */
    public Optional<io.hearth.sandbox.SandboxUsage> usage(String sandboxId) {
        Sandbox sandbox = live.get(sandboxId);
        return sandbox == null ? Optional.empty() : sandbox.usage();
    }

    /** The log files of sandboxes that still run. */
    public java.util.Set<Path> liveLogs() {
        return java.util.Collections.unmodifiableSet(liveLogs);
    }

    public Duration readinessTimeout() {
        return readinessTimeout;
    }

    public AgentProbe probe() {
        return probe;
    }

    /**
     * Starts the sandbox; returns once its process exists.
     *
     * @throws LaunchException when the driver cannot build it
     */
    public Sandbox start(Deployment d, String sandboxId) {
        return start(d, sandboxId, Optional.empty(), Optional.empty());
    }

    /**
     * Starts the sandbox, resumed from a hibernated one's image when given (an agent resumed from its files alone is
     * told so in {@code HEARTH_RESUMED=filesystem}), with the session's storage mounted when given.
     *
     * @throws LaunchException when the driver cannot build it, or cannot mount session storage
     */
    public Sandbox start(Deployment d, String sandboxId, Optional<HibernationImage> resume,
            Optional<SessionStorageMount> storage) {
        var environment = new HashMap<>(baseEnvironment);
        resume.filter(image -> image.kind() == HibernationKind.FILESYSTEM)
                .ifPresent(image -> environment.put("HEARTH_RESUMED", image.kind().wireName()));
        environment.put("OTEL_RESOURCE_ATTRIBUTES", "cloud.resource_id=" + d.runtimeArn());
        environment.put("HEARTH_RUNTIME_ARN", d.runtimeArn());
        environment.put("HEARTH_RUNTIME_VERSION", d.version());
        publicEndpoint.ifPresent(endpoint -> environment.put("AGENTCORE_RUNTIME_URL", RuntimeUrl.of(endpoint.get(), d)));
        environment.putAll(d.environment());
        SandboxDriver driver = driverFor(d);
        // The process driver's agents share the host's network: they cannot be told apart by source address.
        SandboxIdentities.Registration identity = identities.register(sandboxId, d.identity(), driver.name().equals("process"));
        environment.putAll(identity.environment());
        try {
            var fresh = new SandboxSpec(
                    sandboxId,
                    d.code(),
                    d.command(),
                    environment,
                    SandboxSizing.limits(d.settings()),
                    SandboxSizing.network(d.settings()),
                    logFile(d, sandboxId),
                    Map.of("runtimeId", d.runtimeId(), "version", d.version(), "endpoint", d.endpointName()),
                    identity.route(),
                    d.serverProtocol().agentPort(),
                    d.image().map(image -> new ImageRoot(image.rootfs(), image.uid(), image.gid(),
                            image.workingDirectory(), image.env())));
            var spec = resume.map(fresh::withResume).orElse(fresh);
            if (storage.isPresent() && driver.hibernation().isEmpty()) {
                throw new SandboxException("sessionStorage needs an isolating driver (expected: isolation namespaces"
                        + " or gvisor; this runtime runs under " + driver.name() + ")");
            }
            Sandbox sandbox = driver.start(storage.map(spec::withStorage).orElse(spec));
            liveLogs.add(spec.logFile());
            live.put(sandbox.id(), sandbox);
            sandbox.exit().whenComplete((exit, failure) -> {
                live.remove(sandbox.id(), sandbox);
                identity.forget().run();
                AgentLogKeeper.markEnded(spec.logFile());
                liveLogs.remove(spec.logFile());
            });
            return sandbox;
        } catch (SandboxException | IllegalArgumentException e) {
            identity.forget().run();
            throw new LaunchException("the agent could not be started: " + e.getMessage(), e);
        }
    }

    /**
     * Waits until the agent answers {@code /ping} with 200, and records the start time.
     *
     * @param startedAt when the launch began (for the cold-start histogram)
     * @param giveUp    checked between polls: true abandons the wait (the caller stops the sandbox)
     * @throws LaunchException when the agent ends or does not answer before the readiness deadline
     */
    public void awaitReady(Deployment d, Sandbox sandbox, Instant startedAt, BooleanSupplier giveUp) {
        Instant deadline = startedAt.plus(readinessTimeout);
        boolean ready = probe.awaitReady(sandbox.agentAddress(), d.serverProtocol(), deadline,
                () -> !sandbox.isAlive() || giveUp.getAsBoolean());
        if (ready) {
            Timer.builder("hearth.sandbox.start")
                    .description("Time from starting a sandbox to its agent's first healthy ping")
                    .tag("driver", driverName(d))
                    .publishPercentileHistogram()
                    .register(meters)
                    .record(Duration.between(startedAt, Instant.now()));
            return;
        }
        if (giveUp.getAsBoolean() && sandbox.isAlive()) {
            throw new LaunchException("the start was abandoned", null);
        }
        String why = sandbox.isAlive()
                ? "the agent did not answer " + readinessCheck(d) + " within " + readinessTimeout.toSeconds() + " s"
                : "the agent ended during start-up (" + exitDetail(sandbox) + ")";
        throw new LaunchException(why + LogTail.of(logFile(d, sandbox.id())), null);
    }

    private static String readinessCheck(Deployment d) {
        return d.serverProtocol().answersPing()
                ? "GET /ping with 200 on port " + d.serverProtocol().agentPort()
                : "HTTP on port " + d.serverProtocol().agentPort() + " (" + d.serverProtocol() + " agents serve "
                        + d.serverProtocol().invocationPath() + " there)";
    }

    /**
     * Why a sandbox's process ended: its exit is reported once the teardown after the process exit is over, so this
     * waits a bounded time for it.
     */
    private static String exitDetail(Sandbox sandbox) {
        try {
            return sandbox.exit().get(EXIT_REPORT_WAIT.toMillis(), TimeUnit.MILLISECONDS).detail();
        } catch (TimeoutException | ExecutionException | CancellationException e) {
            return "its process exited";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "its process exited";
        }
    }

    /** The deployment's driver; whatever the choice fails with becomes a launch failure, never an API error. */
    private SandboxDriver driverFor(Deployment d) {
        try {
            return drivers.apply(d);
        } catch (LaunchException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new LaunchException("the sandbox driver could not be chosen: " + e.getMessage(), e);
        }
    }

    /** A sandbox could not be started or did not become ready; the message says which and why. */
    public static final class LaunchException extends RuntimeException {
        public LaunchException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
