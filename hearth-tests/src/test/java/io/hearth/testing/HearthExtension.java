package io.hearth.testing;

import io.hearth.quota.QuotaSettings;
import io.hearth.server.AuthSettings;
import io.hearth.server.HearthServer;
import io.hearth.server.ServerConfig;
import io.hearth.session.SessionSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts one real Hearth server per test class: port 0, a fresh data dir, the process driver unless a test
 * asks otherwise, short ping cadence and a 1-second lifecycle floor so lifetime tests take seconds.
 * Register it as a static field with {@code @RegisterExtension}.
 */
public final class HearthExtension implements BeforeAllCallback, AfterAllCallback {
    private final UnaryOperator<ServerConfig> customize;
    private Path dataDir;
    private HearthServer server;

    public HearthExtension() {
        this(UnaryOperator.identity());
    }

    public HearthExtension(UnaryOperator<ServerConfig> customize) {
        this.customize = customize;
    }

    /** The settings every test server starts from. */
    public static ServerConfig testConfig(Path dataDir) {
        return ServerConfig.defaults(dataDir)
                .withPort(0)
                .withIsolation(isolation())
                .withLifecycleBounds(Duration.ofSeconds(1), Duration.ofSeconds(28_800))
                .withSessions(SessionSettings.DEFAULT
                        .withPingInterval(Duration.ofMillis(200))
                        .withReadinessTimeout(Duration.ofSeconds(30)))
                // Tests of other things must not trip over AgentCore's rates; QuotaTest sets its own.
                .withQuotas(QuotaSettings.UNLIMITED)
                // The SDK clients and the tests' own requests sign with this key (see Signed).
                .withAuth(AuthSettings.DEFAULT.withRootKey(Signed.ROOT_KEY));
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dataDir = Files.createTempDirectory("hearth-test-");
        server = HearthServer.start(customize.apply(testConfig(dataDir)));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.close();
        }
        deleteTree(dataDir);
    }

    public HearthServer server() {
        return server;
    }

    public URI endpoint() {
        return server.endpoint();
    }

    public Path dataDir() {
        return dataDir;
    }

    public Clients clients() {
        return Clients.of(endpoint());
    }

    public Agents agents() {
        return new Agents(clients(), dataDir);
    }

    /** The sandbox driver the suite runs under: {@code -Dhearth.test.isolation}, {@code process} when unset. */
    public static String isolation() {
        return System.getProperty("hearth.test.isolation", "process");
    }

    public static Path repoRoot() {
        return Path.of(System.getProperty("hearth.home", "..")).toAbsolutePath().normalize();
    }

    public static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
