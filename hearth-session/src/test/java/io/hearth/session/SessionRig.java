package io.hearth.session;

import io.hearth.deployment.Deployment;
import io.hearth.deployment.HearthTags;
import io.hearth.deployment.ServerProtocol;
import io.hearth.launcher.SandboxLauncher;
import io.hearth.launcher.WarmSandboxes;
import io.hearth.sandbox.SandboxDriver;
import io.hearth.sandbox.SandboxDrivers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.eclipse.jetty.client.HttpClient;

/**
 * A session manager over the real process driver, with a hook to wrap the driver in a test double, and two
 * deployments of a tiny agent: one that answers {@code /ping}, one that never does.
 */
final class SessionRig implements AutoCloseable {
    private static final String AGENT = """
            import json, os, sys, time
            from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
            if os.environ.get("AGENT_MODE") == "silent":
                time.sleep(600)
                sys.exit(0)
            class Handler(BaseHTTPRequestHandler):
                protocol_version = "HTTP/1.1"
                def log_message(self, *args):
                    pass
                def do_GET(self):
                    body = json.dumps({"status": "Healthy"}).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
            ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
            """;

    final Path dir;
    final SandboxDriver driver;
    final SandboxDriver wrapped;
    final HttpClient agentClient;
    final SessionManager sessions;
    final Deployment answering;
    final Deployment silent;

    SessionRig(UnaryOperator<SandboxDriver> wrap, SessionSettings settings) throws Exception {
        dir = Files.createTempDirectory("hearth-session-test-");
        Path code = Files.createDirectories(dir.resolve("code"));
        Files.writeString(code.resolve("agent.py"), AGENT);
        answering = deployment("answering-abcdefghij", code, Map.of());
        silent = deployment("silent-abcdefghijkl", code, Map.of("AGENT_MODE", "silent"));
        driver = SandboxDrivers.open("process", dir.resolve("sandboxes"));
        wrapped = wrap.apply(driver);
        agentClient = new HttpClient();
        agentClient.start();
        var launcher = new SandboxLauncher(d -> wrapped, agentClient, settings.readinessTimeout(), dir.resolve("logs"),
                Map.of(), new SimpleMeterRegistry());
        sessions = new SessionManager(launcher, WarmSandboxes.NONE, settings);
    }

    static SessionSettings settings() {
        return SessionSettings.DEFAULT.withPingInterval(Duration.ofMillis(200)).withReadinessTimeout(Duration.ofSeconds(30));
    }

    private static Deployment deployment(String runtimeId, Path code, Map<String, String> environment) {
        return new Deployment(runtimeId, "arn:aws:bedrock-agentcore:us-east-1:000000000000:runtime/" + runtimeId,
                runtimeId.replace('-', '_'), "DEFAULT", "1", code, List.of("/usr/bin/python3", "agent.py"), environment,
                Duration.ofMinutes(5), Duration.ofHours(1), Set.of(), ServerProtocol.HTTP, false, HearthTags.parse(Map.of()));
    }

    @Override
    public void close() throws Exception {
        try {
            sessions.close();
            driver.close();
            agentClient.stop();
        } finally {
            deleteTree(dir);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
