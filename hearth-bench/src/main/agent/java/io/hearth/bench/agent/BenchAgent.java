package io.hearth.bench.agent;

import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * The agent the bench measures proxies with: the AgentCore container contract on Jetty, doing as little work per
 * request as it can, so that what sits in front of it is what the numbers show. Listens on {@code 0.0.0.0:$PORT}
 * (default 8080); see {@link AgentHandler} for what it answers, and {@link EchoSocket} for {@code /ws}.
 */
public final class BenchAgent {
    private BenchAgent() {}

    public static void main(String[] args) throws Exception {
        int port = port(System.getenv("PORT"));
        var threads = new QueuedThreadPool(256, 4);
        threads.setName("bench-agent");
        var server = new Server(threads);
        var http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendDateHeader(false);
        var connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost("0.0.0.0");
        connector.setPort(port);
        // The SSE run opens thousands of connections in bursts; the kernel's default backlog would refuse some.
        connector.setAcceptQueueSize(4096);
        connector.setIdleTimeout(300_000);
        server.addConnector(connector);
        var sockets = WebSocketUpgradeHandler.from(server, container -> container.addMapping("/ws",
                (request, response, callback) -> new EchoSocket()));
        sockets.setHandler(new AgentHandler(server.getScheduler()));
        server.setHandler(sockets);
        server.setStopAtShutdown(true);
        server.setStopTimeout(1_000);
        server.start();
        System.err.println("bench agent listening on 0.0.0.0:" + port + " (pid " + ProcessHandle.current().pid() + ")");
        server.join();
    }

    static int port(String value) {
        if (value == null || value.isBlank()) {
            return 8080;
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
}
