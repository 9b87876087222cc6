package io.hearth.bench.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code docker-registry} (the CNCF distribution registry) on a free loopback port, open, storage under a
 * directory of the bench's scratch space: a registry as close to a user's as the machine has, with no network.
 */
public final class LocalRegistry implements AutoCloseable {
    private static final Path BINARY = Path.of("/usr/bin/docker-registry");
    private static final Duration START = Duration.ofSeconds(10);

    private final Process process;
    private final int port;
    private final Path log;

    private LocalRegistry(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Empty when the registry can run here; otherwise why not. */
    public static Optional<String> unavailable() {
        return Files.isExecutable(BINARY) ? Optional.empty()
                : Optional.of(BINARY + " not installed (Debian's docker-registry; ./hearth setup test installs it)");
    }

    /** Starts a registry keeping its blobs under {@code directory}; returns once it answers {@code /v2/}. */
    public static LocalRegistry start(Path directory) {
        try {
            Files.createDirectories(directory);
            for (int attempt = 1; ; attempt++) {
                int port = Ports.free();
                Path config = directory.resolve("config.yml");
                Files.writeString(config, """
                        version: 0.1
                        log:
                          level: warn
                        storage:
                          filesystem:
                            rootdirectory: %s
                          maintenance:
                            uploadpurging:
                              enabled: false
                        http:
                          addr: 127.0.0.1:%d
                          secret: hearth-bench
                        """.formatted(directory.resolve("storage"), port));
                Path log = directory.resolve("registry.log");
                Process process = new ProcessBuilder(BINARY.toString(), "serve", config.toString())
                        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
                var registry = new LocalRegistry(process, port, log);
                if (registry.answers()) {
                    return registry;
                }
                registry.close();
                // Another process may have taken the free port between the probe and the registry's bind.
                if (attempt >= 3) {
                    throw new IllegalStateException("docker-registry did not answer on 127.0.0.1:" + port + " within "
                            + START.toSeconds() + " s (expected: /v2/ answering 200): " + Files.readString(log).strip());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start docker-registry in " + directory + ": " + e.getMessage(), e);
        }
    }

    /** {@code 127.0.0.1:<port>}, as an image reference names it. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    private boolean answers() {
        try (var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()) {
            long deadline = System.nanoTime() + START.toNanos();
            while (System.nanoTime() < deadline && process.isAlive()) {
                try {
                    var response = http.send(HttpRequest.newBuilder(URI.create("http://" + host() + "/v2/"))
                            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                    if (response.statusCode() == 200) {
                        return true;
                    }
                } catch (IOException e) {
                    // not listening yet
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
                Readiness.sleepMillis(50);
            }
            return false;
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** The registry's own log, for a failure's message. */
    public Path log() {
        return log;
    }
}
