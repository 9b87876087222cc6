package io.hearth.server;

import static java.util.Objects.requireNonNull;

import io.hearth.api.Workers;
import io.hearth.control.ControlPlane;
import io.hearth.router.CommandHandler;
import io.hearth.router.DataPlaneHandler;
import io.hearth.router.shell.ShellRegistry;
import io.hearth.router.shell.ShellRoute;
import io.hearth.router.tracing.Tracing;
import io.hearth.router.websocket.AgentSocketRoute;
import io.hearth.router.websocket.RuntimeSocketHandler;
import io.hearth.router.websocket.WebSocketRoutes;
import io.hearth.sandbox.ReclaimReport;
import io.hearth.sandbox.SandboxDriver;
import io.hearth.server.internal.AwsErrorHandler;
import io.hearth.server.internal.ConsoleHandler;
import io.hearth.server.internal.ControlPlaneHandler;
import io.hearth.server.internal.HibernationApiHandler;
import io.hearth.server.internal.PrincipalBudgetsApiHandler;
import io.hearth.server.internal.TracesApiHandler;
import io.hearth.server.internal.InvocationMeters;
import io.hearth.server.internal.SessionStartMeter;
import io.hearth.auth.SigV4Verifier;
import io.hearth.server.internal.DataDirLock;
import io.hearth.server.internal.Spool;
import io.hearth.auth.WorkloadTokens;
import io.hearth.server.internal.EdgeAuth;
import io.hearth.server.internal.KeyRing;
import io.hearth.server.internal.KeysApiHandler;
import io.hearth.server.internal.TenantQuotasApiHandler;
import io.hearth.server.internal.JwksHandler;
import io.hearth.server.internal.MasterKey;
import io.hearth.server.internal.RootKey;
import io.hearth.server.internal.EdgeHandler;
import io.hearth.server.internal.MetricsHandler;
import io.hearth.server.internal.PoolApiHandler;
import io.hearth.server.internal.SandboxDriverSet;
import io.hearth.server.internal.UnservedRoleWarning;
import io.hearth.server.internal.ShutdownSequence;
import io.hearth.identity.MetadataService;
import io.hearth.launcher.AgentLogKeeper;
import io.hearth.launcher.SandboxLauncher;
import io.hearth.pool.PoolManager;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import io.hearth.server.internal.NativeApiHandler;
import io.hearth.server.internal.SessionLogsApiHandler;
import io.hearth.server.internal.QuotaSummary;
import io.hearth.quota.NodeMemory;
import io.hearth.quota.Quotas;
import io.hearth.session.SessionManager;
import io.hearth.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Hearth node: store, sandbox driver, control plane, session manager and data plane behind one port.
 * Start-up order is the order of dependence; {@link #close()} undoes it in reverse, so no sandbox outlives it.
 */
public final class HearthServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HearthServer.class);

    /** Data-plane bodies waiting on disk for their signature, all at once (docs/authentication.md). */
    private static final long MAX_SPOOLED_BYTES = 1L << 30;
    /** Read buffers of caller and agent connections: what one chunk of a streamed body can hold (Jetty: 8 and 16 KiB). */
    private static final int BODY_BUFFER_BYTES = 64 * 1024;

    private final ServerConfig config;
    private final Deque<AutoCloseable> closers = new ArrayDeque<>();
    // Set once by open(), which runs inside the constructor's clean-up guard.
    private volatile Server jetty;
    private SessionManager sessions;
    private PoolManager pools;
    private SandboxDriverSet drivers;
    private MetadataService metadata;
    private final AtomicBoolean closing = new AtomicBoolean();

    private HearthServer(ServerConfig config) throws Exception {
        this.config = config;
        Path data = config.dataDir().toAbsolutePath();
        Files.createDirectories(data);
        closers.push(DataDirLock.acquire(data));
        try {
            open(data);
        } catch (Exception | Error e) {
            // What opened so far closes again, in reverse: a failed start leaves no sandbox, port or lock behind.
            closeOpened(e);
            throw e;
        }
    }

    private void open(Path data) throws Exception {
        Store store = Store.open(data);
        closers.push(store);
        EdgeAuth auth;
        var keys = new KeyRing(store, MasterKey.loadOrCreate(data), Clock.systemUTC());
        String account = config.identity().accountId();
        if (config.auth().mode() == AuthSettings.Mode.NONE) {
            LOG.warn("*** authentication: NONE. Every caller that reaches {}:{} acts for account {} without credentials;"
                    + " for local development only ***", config.bind(), config.port(), account);
            requireLoopbackOrAllowed(config);
            auth = EdgeAuth.none(account);
        } else {
            RootKey.ensure(keys, config.auth().rootKey(), account, config.identity().region(), data);
            Spool spool = Spool.open(data.resolve("spool"), MAX_SPOOLED_BYTES);
            closers.push(spool);
            auth = EdgeAuth.sigV4(new SigV4Verifier(keys), spool, config.maxPayloadBytes());
            LOG.info("authentication: SigV4 (credentials for local clients in {})", data.resolve("credentials"));
        }

        drivers = new SandboxDriverSet(config.isolation(), data.resolve("sandboxes"));
        closers.push(drivers);
        SandboxDriver driver = drivers.defaultDriver();
        if (driver.name().equals("process")) {
            LOG.warn("*** isolation: process. {} ***", driver.isolationSummary());
        } else {
            LOG.info("isolation: {} ({}). {}", driver.name(),
                    config.isolation().equals("auto") ? "the strongest that runs here, chosen by --isolation auto" : "as configured",
                    driver.isolationSummary());
        }
        for (ReclaimReport reclaimed : drivers.reclaimLeftovers()) {
            if (!reclaimed.removed().isEmpty()) {
                LOG.info("removed {} {} sandbox(es) left by a previous run: {}", reclaimed.removed().size(),
                        reclaimed.driver(), reclaimed.removed());
            }
        }

        // Artifact resolution: unpacking code off the request thread, a few at a time.
        Workers background = Workers.bounded("hearth-control-background", 8, 10_000);
        closers.push(background::close);
        var control = new ControlPlane(store, config.identity(), data,
                config.artifacts().withDefaultDriver(drivers.defaultDriver().name()), config.lifecycleFloor(),
                config.lifecycleCap(), background);
        closers.push(control);

        HttpClient agentClient = agentClient();
        closers.push(agentClient::stop);

        var meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        closers.push(meters::close);
        var quotas = new Quotas(config.quotas(), NodeMemory.read());
        quotas.bindTo(meters);
        TenantQuotasApiHandler.load(store, quotas);
        LOG.info("quotas: {}", QuotaSummary.of(quotas));
        // Every sandbox, a session's or a pool's, is counted against the node's cap from its start to its end.
        // Agents' AWS credentials for their runtime's role (docs/identity.md).
        metadata = MetadataService.start(config.roleCredentials(), drivers::sandboxAt, config.identity().region(), true);
        closers.push(metadata);
        var launcher = new SandboxLauncher(d -> quotas.admitting(drivers.forDeployment(d)), agentClient, config.sessions().readinessTimeout(),
                data.resolve("logs"),
                Map.of("AWS_REGION", config.identity().region(), "AWS_DEFAULT_REGION", config.identity().region()), meters,
                metadata, Optional.of(this::publicEndpoint));
        // Agents' logs: each rotated at its size cap, an ended sandbox's deleted past its retention (docs/sessions-logs.md).
        closers.push(new AgentLogKeeper(launcher, config.agentLogs(), Clock.systemUTC()).start());
        pools = new PoolManager(launcher, control.deployments(), store, Clock.systemUTC(), config.maxPooled(), meters);
        sessions = new SessionManager(launcher, new SessionStartMeter(pools, meters), config.sessions(), quotas,
                Optional.of(data));
        var principalBudgets = new PrincipalBudgetsApiHandler(store, account, Clock.systemUTC());
        sessions.principalBudgets(principalBudgets::forOwner);
        closers.push(sessions);
        closers.push(pools);
        pools.start(Duration.ofSeconds(1));
        control.deployments().addListener(sessions);
        control.deployments().addListener(pools);
        control.deployments().addListener(new UnservedRoleWarning(control.deployments(), metadata));

        // The key of every invocation's workload access token (docs/authentication.md, Workload access tokens).
        var workloadTokens = WorkloadTokens.loadOrCreate(data);
        // Invocation traces: kept in memory per session, exported over OTLP when configured (docs/tracing.md).
        var tracing = new Tracing(config.tracing());
        closers.push(tracing::close);
        var dataPlane = new DataPlaneHandler(control.deployments(), sessions, agentClient, config.identity(),
                config.agentTimeouts(), config.maxPayloadBytes(), quotas, workloadTokens, config.resumableStreams())
                .withTracing(tracing);
        var nativeApi = new NativeApiHandler(sessions, tenant -> ControlPlane.artifactsOf(data, tenant), driver.name(), 250L << 20, quotas,
                account, launcher::usage);

        jetty = new Server(serverThreads());
        var http = new HttpConfiguration();
        http.setSendServerVersion(false);
        // Room for every modeled header at its limit (baggage alone may be 8,192 characters): the router, not the
        // parser, refuses an over-long one, and names it.
        http.setRequestHeaderSize(32 * 1024);
        // No learned header cache: every signed request repeats long, never-equal fields (Authorization, X-Amz-Date,
        // the session id), and the parser walked them through the cache's trie on each request for no hit.
        http.setHeaderCacheSize(0);
        // ARNs travel percent-encoded inside one path segment (%2F, %3A): docs/wire-contract.md §1.2.
        http.setUriCompliance(UriCompliance.DEFAULT.with("agentcore-arn-labels",
                UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR, UriCompliance.Violation.AMBIGUOUS_PATH_ENCODING,
                UriCompliance.Violation.AMBIGUOUS_EMPTY_SEGMENT));
        var httpFactory = new HttpConnectionFactory(http);
        httpFactory.setInputBufferSize(BODY_BUFFER_BYTES);
        var connector = new ServerConnector(jetty, httpFactory);
        connector.setHost(config.bind());
        connector.setPort(config.port());
        connector.setIdleTimeout(config.agentTimeouts().idle().toMillis());
        jetty.addConnector(connector);
        // WebSocket upgrades on /runtimes/{arn}/ws...: every socket path is one route registered here (docs/websocket.md).
        var shells = new ShellRegistry(config.shells());
        closers.push(shells::close);
        var agentSockets = RuntimeSocketHandler.agentClient(config.webSockets());
        agentSockets.start();
        closers.push(agentSockets::stop);
        var sockets = new RuntimeSocketHandler(jetty, control.deployments(), sessions, config.identity(), quotas,
                Optional.of(workloadTokens), config.webSockets(),
                WebSocketRoutes.builder().add("ws", new AgentSocketRoute(agentSockets))
                        .add("ws/shells", new ShellRoute(shells)).build());
        // InvokeAgentRuntimeCommand and the sockets first: each takes only its own paths, the rest of the data plane the others.
        var dataPlanes = new Handler.Sequence(sockets,
                new CommandHandler(control.deployments(), sessions, config.identity(), quotas), new InvocationMeters(dataPlane, meters));
        jetty.setHandler(new EdgeHandler(auth, dataPlanes, List.of(
                new ConsoleHandler(),
                new ControlPlaneHandler(control::runtimes, control::endpoints),
                new PoolApiHandler(pools, account, control::owns),
                new MetricsHandler(meters),
                new KeysApiHandler(keys, account),
                new TenantQuotasApiHandler(store, quotas, account, Clock.systemUTC()),
                principalBudgets,
                new JwksHandler(workloadTokens),
                new SessionLogsApiHandler(sessions, account),
                new HibernationApiHandler(sessions, account, control::owns),
                new TracesApiHandler(tracing, account),
                nativeApi)));
        jetty.setErrorHandler(new AwsErrorHandler());
        jetty.setStopTimeout(2_000);
        jetty.start();
        closers.push(jetty::stop);
        LOG.info("Hearth listening on {} (data dir {})", endpoint(), data);
    }

    /** Without authentication, only this host may call: anything else must be asked for in so many words. */
    private static void requireLoopbackOrAllowed(ServerConfig config) {
        if (config.auth().allowUnauthenticatedRemote()) {
            return;
        }
        boolean loopback;
        try {
            loopback = java.net.InetAddress.getByName(config.bind()).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            loopback = false;
        }
        if (!loopback) {
            throw new UnauthenticatedRemoteException("authentication is off and the bind address " + config.bind()
                    + " is not loopback (expected: --bind 127.0.0.1, or --allow-unauthenticated-remote to let anyone"
                    + " who reaches this address act without credentials)");
        }
    }

    private void closeOpened(Throwable failure) {
        while (!closers.isEmpty()) {
            try {
                closers.pop().close();
            } catch (Exception | Error e) {
                failure.addSuppressed(e);
            }
        }
    }

    /** Starts a server; when this returns it accepts requests. */
    public static HearthServer start(ServerConfig config) {
        requireNonNull(config, "config");
        try {
            return new HearthServer(config);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Hearth: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot start Hearth: " + e.getMessage(), e);
        }
    }

    /** The port it listens on; while it starts (sandboxes may start before it listens), the configured one. */
    public int port() {
        Server server = jetty;
        if (server == null || server.getConnectors().length == 0) {
            return config.port();
        }
        int local = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
        return local > 0 ? local : config.port();
    }

    /** Where callers reach this server: {@code --public-url}, or the address it listens on. */
    public URI publicEndpoint() {
        return config.publicUrl().orElseGet(this::endpoint);
    }

    public URI endpoint() {
        String host = config.bind().equals("0.0.0.0") ? "127.0.0.1" : config.bind();
        return URI.create("http://" + host + ":" + port());
    }

    public SessionManager sessions() {
        return sessions;
    }

    public PoolManager pools() {
        return pools;
    }

    /** The metadata service that gives agents their runtime's AWS credentials. */
    public MetadataService metadata() {
        return metadata;
    }

    public String isolation() {
        return drivers.defaultDriver().name();
    }

    public void join() throws InterruptedException {
        jetty.join();
    }

    /**
     * Stops within the configured shutdown grace and leaves no sandbox behind: stop accepting requests, then pools
     * stop launching and drain, then sessions end, then the drivers stop whatever still runs (starting sandboxes
     * included), then the rest in reverse order of start-up, the store last. Each step has its share of the grace.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        Set<Object> explicit = Collections.newSetFromMap(new IdentityHashMap<>());
        explicit.addAll(List.of(pools, sessions, drivers));
        var shutdown = new ShutdownSequence(config.shutdownGrace())
                .then("stop accepting requests", 0.15, budget -> {
                    jetty.setStopTimeout(budget.toMillis());
                    jetty.stop();
                })
                .then("pools", 0.25, pools::close)
                .then("sessions", 0.25, budget -> sessions.close())
                .then("sandbox drivers", 0.25, drivers::close);
        while (!closers.isEmpty()) {
            AutoCloseable closer = closers.pop();
            if (!explicit.contains(closer)) {
                String name = closer instanceof Store ? "store" : closer instanceof DataDirLock ? "data dir lock"
                        : "release resources (" + closers.size() + ")";
                shutdown.then(name, 0.02, budget -> closer.close());
            }
        }
        shutdown.run();
    }

    private static QueuedThreadPool serverThreads() {
        var threads = new QueuedThreadPool(64, 4);
        threads.setName("hearth-http");
        // Handlers that block (control plane, session start) run on virtual threads.
        threads.setVirtualThreadsExecutor(Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("hearth-http-v", 0).factory()));
        return threads;
    }

    private static HttpClient agentClient() throws Exception {
        var client = new HttpClient();
        var threads = new QueuedThreadPool(64, 4);
        threads.setName("hearth-agent-client");
        client.setExecutor(threads);
        client.setUserAgentField(null);
        client.getContentDecoderFactories().clear(); // bodies pass through as the agent wrote them
        client.setFollowRedirects(false);
        client.setMaxConnectionsPerDestination(4096);
        client.setConnectTimeout(5_000);
        // An agent's response headers are held whole while parsed: bound them, as the server bounds a caller's.
        client.setMaxResponseHeadersSize(64 * 1024);
        // Whatever headers a caller may send (up to the connector's 32 KiB) must fit into the agent request too.
        client.setRequestBufferSize(48 * 1024);
        client.setResponseBufferSize(BODY_BUFFER_BYTES);
        client.setIdleTimeout(60_000);
        client.start();
        return client;
    }
}
