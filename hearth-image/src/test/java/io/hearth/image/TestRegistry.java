package io.hearth.image;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/** Debian's {@code docker-registry} (the CNCF distribution registry) on a free loopback port, storage in a temp dir. */
final class TestRegistry implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/docker-registry");

    private final Path directory;
    private final Process process;
    private final int port;
    private final Path log;

    private TestRegistry(Path directory, Process process, int port, Path log) {
        this.directory = directory;
        this.process = process;
        this.port = port;
        this.log = log;
    }

    static void assumeInstalled() {
        assumeTrue(Files.isExecutable(BINARY), "docker-registry is not installed (./hearth setup test installs it)");
    }

    static TestRegistry start(Path directory) throws Exception {
        return start(directory, Optional.empty());
    }

    /** @param user {@code user:password} the registry demands with htpasswd (Basic) auth, when present */
    static TestRegistry start(Path directory, Optional<String> user) throws Exception {
        assumeInstalled();
        Files.createDirectories(directory);
        String auth = "";
        if (user.isPresent()) {
            assumeTrue(Files.isExecutable(Path.of("/usr/bin/htpasswd")),
                    "htpasswd is not installed (./hearth setup test installs apache2-utils)");
            String[] parts = user.get().split(":", 2);
            Path htpasswd = directory.resolve("htpasswd");
            Process hash = new ProcessBuilder("htpasswd", "-Bbn", parts[0], parts[1]).redirectErrorStream(true).start();
            String line = new String(hash.getInputStream().readAllBytes(), UTF_8).strip();
            if (hash.waitFor() != 0) {
                throw new IllegalStateException("htpasswd: " + line);
            }
            Files.writeString(htpasswd, line + "\n");
            auth = "auth:\n  htpasswd:\n    realm: hearth-test\n    path: " + htpasswd + "\n";
        }
        return start(directory, auth);
    }

    /** A registry that wants Bearer tokens from {@code tokens}, as Docker Hub and most hosted registries do. */
    static TestRegistry startWithTokens(Path directory, TokenService tokens) throws Exception {
        assumeInstalled();
        Files.createDirectories(directory);
        return start(directory, "auth:\n  token:\n    realm: " + tokens.realm() + "\n    service: "
                + TokenService.SERVICE + "\n    issuer: " + TokenService.ISSUER + "\n    rootcertbundle: "
                + tokens.bundle() + "\n");
    }

    private static TestRegistry start(Path directory, String auth) throws Exception {
        for (int attempt = 0; ; attempt++) {
            int port;
            try (var socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            Path config = directory.resolve("config.yml");
            Files.writeString(config, """
                    version: 0.1
                    log:
                      level: info
                      accesslog:
                        disabled: false
                    storage:
                      filesystem:
                        rootdirectory: %s
                      maintenance:
                        uploadpurging:
                          enabled: false
                    http:
                      addr: 127.0.0.1:%d
                      secret: hearth-test-secret
                    """.formatted(directory.resolve("storage"), port) + auth);
            Path log = directory.resolve("registry.log");
            Process process = new ProcessBuilder(BINARY.toString(), "serve", config.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            var registry = new TestRegistry(directory, process, port, log);
            if (registry.awaitReady()) {
                return registry;
            }
            registry.close();
            if (attempt >= 3) {
                throw new IllegalStateException("docker-registry did not start: " + Files.readString(log));
            }
        }
    }

    private boolean awaitReady() throws InterruptedException {
        try (var http = HttpClient.newHttpClient()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline && process.isAlive()) {
                try {
                    int status = http.send(HttpRequest.newBuilder(URI.create("http://" + host() + "/v2/"))
                            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding())
                            .statusCode();
                    if (status == 200 || status == 401) {
                        return true;
                    }
                } catch (IOException e) {
                    // Not listening yet.
                }
                Thread.sleep(50);
            }
        }
        return false;
    }

    String host() {
        return "127.0.0.1:" + port;
    }

    /** How many times the registry served {@code GET} for this blob, from its access log. */
    long blobGets(String repository, String digest) throws IOException {
        var line = Pattern.compile("\"GET /v2/" + Pattern.quote(repository) + "/blobs/" + Pattern.quote(digest)
                + " HTTP/[0-9.]+\" 200 ");
        try (var lines = Files.lines(log)) {
            return lines.filter(l -> line.matcher(l).find()).count();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    Path directory() {
        return directory;
    }
}
