package io.hearth.sdk;

import io.hearth.sdk.internal.AgentHandler;
import io.hearth.sdk.internal.ContextReader;
import io.hearth.sdk.internal.Entry;
import io.hearth.sdk.internal.Health;
import io.hearth.sdk.internal.MethodEntries;
import io.hearth.sdk.internal.PayloadBinder;
import io.hearth.sdk.internal.SocketBridge;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.VirtualThreadPool;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * An agent for an AgentCore-compatible runtime: serves {@code POST /invocations}, {@code GET /ping} and, when a
 * WebSocket handler is set, {@code /ws}, on {@code 0.0.0.0:$PORT} (8080 when {@code PORT} is unset).
 *
 * <pre>{@code
 * AgentApp.create().entrypoint((payload, context) -> Map.of("echo", payload)).run();
 * }</pre>
 *
 * <p>What a handler returns is the answer: a {@code Stream}, {@code Iterator} or {@code Flow.Publisher} is streamed as
 * server-sent events, one {@code data:} event an item (text as it is, anything else as JSON; a
 * {@link ServerSentEvent} names its event); a {@code CompletionStage} is awaited; a {@code byte[]} is sent as
 * {@code application/octet-stream}; anything else is written as JSON. A thrown exception is answered
 * {@code 500 {"error": message}} ({@link InvocationException} chooses the status); once a stream has begun, it ends
 * with an {@code event: error} event instead. Each request runs on its own virtual thread.
 */
public final class AgentApp {
    private static final System.Logger LOG = System.getLogger("io.hearth.sdk");
    private static final int DEFAULT_PORT = 8080;
    /** Virtual threads are cheap, but a flood of requests must still not grow without bound. */
    private static final int MAX_CONCURRENT = 10_000;

    private final ObjectMapper json;
    private final Health health = new Health(Clock.systemUTC());
    private Optional<Entry> entry = Optional.empty();
    private Optional<WebSocketHandler> webSocket = Optional.empty();
    private volatile Optional<Executor> executor = Optional.empty();
    private Duration heartbeat = Duration.ofSeconds(30);

    private AgentApp(ObjectMapper json) {
        this.json = json;
    }

    /**
     * An app with no handler yet, and a lenient JSON mapper: unknown properties are ignored and a missing number is 0,
     * so that a caller adding fields never breaks an agent.
     */
    public static AgentApp create() {
        return create(JsonMapper.builder()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .build());
    }

    /** An app that reads and writes JSON with {@code json}. */
    public static AgentApp create(ObjectMapper json) {
        return new AgentApp(Objects.requireNonNull(json, "json"));
    }

    /** An app answering with {@code agent}'s {@link Entrypoint} method (and its {@link WebSocketEntrypoint}, if any). */
    public static AgentApp of(Object agent) {
        AgentApp app = create();
        app.entry = Optional.of(MethodEntries.invocation(agent, app.json));
        app.webSocket = MethodEntries.webSocket(agent);
        return app;
    }

    /** Serves {@code agent} (see {@link #of(Object)}) until the process ends. */
    public static void run(Object agent) {
        of(agent).run();
    }

    /** Answers invocations with {@code handler}, the payload as a JSON tree (JSON {@code null} for an empty body). */
    public AgentApp entrypoint(InvocationHandler<JsonNode> handler) {
        return entrypoint(JsonNode.class, handler);
    }

    /**
     * Answers invocations with {@code handler}, the payload bound to {@code type}: {@code byte[]}, {@code String},
     * {@code JsonNode} or any type the JSON mapper binds (a body that does not fit is answered 400).
     */
    public <T> AgentApp entrypoint(Class<T> type, InvocationHandler<T> handler) {
        Objects.requireNonNull(handler, "handler");
        var binder = new PayloadBinder(json, type);
        entry = Optional.of((body, context) -> handler.handle(type.cast(binder.bind(body)), context));
        return this;
    }

    /**
     * How long a stream may stay quiet before it gets a {@code : heartbeat} comment (30 seconds unless set), so that
     * proxies between caller and agent keep it open while a model thinks.
     */
    public AgentApp heartbeat(Duration quiet) {
        if (quiet.isNegative() || quiet.isZero()) {
            throw new IllegalArgumentException("heartbeat: " + quiet + " (expected: a positive duration)");
        }
        heartbeat = quiet;
        return this;
    }

    /** Serves {@code /ws} with {@code handler}. */
    public AgentApp webSocket(WebSocketHandler handler) {
        webSocket = Optional.of(Objects.requireNonNull(handler, "handler"));
        return this;
    }

    /**
     * Lets the agent say it is busy ({@code HealthyBusy}) for reasons of its own; running tasks make it busy
     * whatever the supplier says.
     */
    public AgentApp pingStatus(Supplier<PingStatus> status) {
        health.statusSupplier(Objects.requireNonNull(status, "status"));
        return this;
    }

    /** Registers work in progress: {@code /ping} reports {@code HealthyBusy} until {@link #completeAsyncTask}. */
    public long addAsyncTask(String name) {
        return health.addTask(Objects.requireNonNull(name, "name"));
    }

    /** @return whether {@code taskId} was in progress */
    public boolean completeAsyncTask(long taskId) {
        return health.completeTask(taskId);
    }

    /** The tasks in progress by id: their names and how long they have run, in seconds. */
    public Map<Long, Double> asyncTasks() {
        long now = System.currentTimeMillis();
        var running = new java.util.LinkedHashMap<Long, Double>();
        health.tasks().forEach((id, task) -> running.put(id, (now - task.startedMillis()) / 1000.0));
        return running;
    }

    /** What {@code /ping} reports now. */
    public PingStatus pingStatus() {
        return health.ping().status();
    }

    /**
     * Runs {@code task} on a virtual thread, {@code /ping} reporting {@code HealthyBusy} until it ends (also
     * {@link RequestContext#background}). Only while the app runs.
     */
    public void background(String name, Runnable task) {
        Executor running = executor.orElseThrow(() -> new IllegalStateException(
                "background task " + name + ": the app is not running (expected: start() or run() first)"));
        long id = addAsyncTask(name);
        try {
            running.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.log(Level.ERROR, "background task " + name + " failed", e);
                } finally {
                    completeAsyncTask(id);
                }
            });
        } catch (RuntimeException e) {
            completeAsyncTask(id);
            throw e;
        }
    }

    /** Serves on {@code $PORT} (8080 when unset) until the process ends. */
    public void run() {
        try (RunningAgent agent = start()) {
            // SIGTERM (how a runtime ends a session) lets requests in flight finish before the JVM exits.
            Runtime.getRuntime().addShutdownHook(new Thread(agent::close, "agent-shutdown"));
            agent.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts serving on {@code $PORT} (8080 when unset). */
    public RunningAgent start() {
        return start(port(System.getenv("PORT")));
    }

    /** Starts serving on {@code port} of every interface (0: any free port, see {@link RunningAgent#port()}). */
    public RunningAgent start(int port) {
        return start("0.0.0.0", port);
    }

    /** Starts serving on {@code host:port}. */
    public RunningAgent start(String host, int port) {
        Entry invocation = entry.orElseThrow(() -> new IllegalStateException(
                "no invocation handler (expected: entrypoint(...) or an @Entrypoint method before start)"));
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0 to 65535)");
        }
        var threads = new VirtualThreadPool(MAX_CONCURRENT);
        threads.setName("agent");
        var server = new Server(threads);
        var http = new HttpConfiguration();
        http.setSendServerVersion(false);
        var connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        var contexts = new ContextReader(this::background);
        Handler handler = new AgentHandler(invocation, health, contexts, json, server.getScheduler(), threads,
                heartbeat);
        if (webSocket.isPresent()) {
            WebSocketHandler sockets = webSocket.get();
            var upgrades = WebSocketUpgradeHandler.from(server, container -> container.addMapping("/ws",
                    (request, response, callback) -> new SocketBridge(sockets,
                            contexts.read(request.getHeaders(), ContextReader.present(
                                    request.getHeaders().get(ContextReader.SESSION_ID)).orElse("")),
                            threads, json)));
            upgrades.setHandler(handler);
            handler = upgrades;
        }
        server.setHandler(handler);
        server.setStopTimeout(5_000);
        try {
            server.start();
        } catch (Exception e) {
            stopQuietly(server);
            throw new IllegalStateException("agent: cannot listen on " + host + ":" + port + " (" + e.getMessage()
                    + ") (expected: a free port)", e);
        }
        executor = Optional.of(threads);
        int bound = connector.getLocalPort();
        LOG.log(Level.INFO, "agent listening on " + host + ":" + bound);
        return new RunningAgent() {
            @Override
            public int port() {
                return bound;
            }

            @Override
            public void join() throws InterruptedException {
                server.join();
            }

            @Override
            public void close() {
                executor = Optional.empty();
                stopQuietly(server);
            }
        };
    }

    static int port(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_PORT;
        }
        try {
            int port = Integer.parseInt(value.trim());
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("PORT: " + value + " (expected: 1 to 65535)");
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("PORT: " + value + " (expected: a port number)", e);
        }
    }

    private static void stopQuietly(Server server) {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "agent: stopping the server failed", e);
        }
    }
}
