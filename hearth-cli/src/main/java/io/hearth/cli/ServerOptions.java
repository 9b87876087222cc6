package io.hearth.cli;

import io.hearth.api.AwsIdentity;
import io.hearth.server.ServerConfig;
import io.hearth.session.SessionSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/** The options every command that runs a server shares. */
public final class ServerOptions {
    @Option(names = "--port", defaultValue = "8080", description = "Port for both planes (0 picks a free one). Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address to listen on. Default: ${DEFAULT-VALUE}.")
    String bind;

    @Option(names = "--data-dir", description = "Where Hearth keeps its database, artifacts and logs. Default: $HEARTH_DATA_DIR or ~/.hearth.")
    Path dataDir;

    @Option(names = "--isolation", defaultValue = "auto",
            description = {"Sandbox driver: gvisor, namespaces, process, or auto (gvisor, else namespaces; never process", "unless asked for). Default: ${DEFAULT-VALUE}."})
    String isolation;

    @Option(names = "--region", defaultValue = "us-east-1", description = "Region in ARNs. Default: ${DEFAULT-VALUE}.")
    String region;

    @Option(names = "--account", defaultValue = "000000000000", description = "12-digit account in ARNs. Default: ${DEFAULT-VALUE}.")
    String account;

    @Option(names = "--max-lifetime-cap", defaultValue = "28800",
            description = "Largest maxLifetime (seconds) a runtime may ask for. Default: ${DEFAULT-VALUE} (AgentCore's).")
    long lifetimeCap;

    @Option(names = "--min-lifecycle", defaultValue = "60", hidden = true,
            description = "Smallest idle timeout / max lifetime accepted, in seconds (lower only for tests).")
    long lifecycleFloor;

    @Option(names = "--max-pooled", defaultValue = "64",
            description = "The most sandboxes warm pools may hold at once, all endpoints together. Default: ${DEFAULT-VALUE}.")
    int maxPooled;

    @Option(names = "--shutdown-grace", defaultValue = "10",
            description = {"Seconds shutdown may take in all (pools, sessions, sandboxes); whatever still runs then is",
                    "stopped. Default: ${DEFAULT-VALUE}."})
    long shutdownGraceSeconds;

    @Option(names = "--ping-interval-ms", defaultValue = "2000", description = "How often live agents are pinged. Default: ${DEFAULT-VALUE}.")
    long pingIntervalMillis;

    @Option(names = "--readiness-timeout", defaultValue = "60", description = "Seconds a new agent may take to answer /ping. Default: ${DEFAULT-VALUE}.")
    long readinessSeconds;

    private static final List<String> ISOLATIONS = List.of("auto", "gvisor", "namespaces", "process");

    /** @throws IllegalArgumentException naming the option and what it takes */
    ServerConfig toConfig() {
        if (!ISOLATIONS.contains(isolation)) {
            throw new IllegalArgumentException("--isolation " + isolation + " (expected: one of " + String.join(", ", ISOLATIONS) + ")");
        }
        Path data = dataDir != null ? dataDir : defaultDataDir();
        var sessions = SessionSettings.DEFAULT
                .withPingInterval(Duration.ofMillis(pingIntervalMillis))
                .withReadinessTimeout(Duration.ofSeconds(readinessSeconds));
        return ServerConfig.defaults(data)
                .withPort(port)
                .withBind(bind)
                .withIsolation(isolation)
                .withIdentity(new AwsIdentity(region, account))
                .withLifecycleBounds(Duration.ofSeconds(lifecycleFloor), Duration.ofSeconds(lifetimeCap))
                .withSessions(sessions)
                .withMaxPooled(maxPooled)
                .withShutdownGrace(Duration.ofSeconds(shutdownGraceSeconds));
    }

    static Path defaultDataDir() {
        String env = System.getenv("HEARTH_DATA_DIR");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".hearth");
    }
}
