package io.hearth.bench.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Debian's nginx as a reverse proxy in front of the bare agents: the bar Hearth's data plane is held to. Started by
 * the bench with a generated configuration in its own directory, loopback only, two workers, keep-alive both to
 * clients and upstream, no access log: nginx as one would tune it to proxy small requests fast.
 */
public final class Nginx implements AutoCloseable {
    private static final List<Path> CANDIDATES = List.of(Path.of("/usr/sbin/nginx"), Path.of("/usr/bin/nginx"),
            Path.of("/usr/local/sbin/nginx"), Path.of("/usr/local/nginx/sbin/nginx"));

    private final Process process;
    private final int port;
    private final Path dir;

    private Nginx(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /** The nginx binary, when installed. */
    public static Optional<Path> binary() {
        return CANDIDATES.stream().filter(Files::isExecutable).findFirst();
    }

    /** Starts nginx proxying {@code /} round-robin to {@code upstreams}; returns once it accepts connections. */
    public static Nginx start(Path binary, Path dir, List<InetSocketAddress> upstreams) {
        if (upstreams.isEmpty()) {
            throw new IllegalArgumentException("upstreams: empty (expected: at least one agent address)");
        }
        int port = Ports.free();
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("nginx.conf"), config(dir, port, upstreams));
            var process = new ProcessBuilder(binary.toString(), "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString(),
                    "-e", dir.resolve("error.log").toString())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("nginx.out").toFile())
                    .start();
            var nginx = new Nginx(process, port, dir);
            nginx.awaitListening(Duration.ofSeconds(10));
            return nginx;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start nginx in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String config(Path dir, int port, List<InetSocketAddress> upstreams) {
        var servers = new StringBuilder();
        for (InetSocketAddress upstream : upstreams) {
            servers.append("    server ").append(Ports.hostPort(upstream)).append(";\n");
        }
        return """
                worker_processes 2;
                daemon off;
                master_process on;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                worker_rlimit_nofile 16384;
                events {
                  worker_connections 8192;
                  multi_accept on;
                }
                http {
                  access_log off;
                  client_body_temp_path %1$s/client_body;
                  proxy_temp_path %1$s/proxy;
                  fastcgi_temp_path %1$s/fastcgi;
                  uwsgi_temp_path %1$s/uwsgi;
                  scgi_temp_path %1$s/scgi;
                  client_max_body_size 0;
                  keepalive_requests 1000000;
                  keepalive_timeout 300s;
                  upstream agents {
                %2$s    keepalive 256;
                    keepalive_requests 1000000;
                    keepalive_timeout 300s;
                  }
                  server {
                    listen 127.0.0.1:%3$d backlog=4096;
                    location / {
                      proxy_pass http://agents;
                      proxy_http_version 1.1;
                      proxy_set_header Connection "";
                    }
                  }
                }
                """.formatted(dir, servers, port);
    }

    private void awaitListening(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("nginx exited with " + process.exitValue() + ": " + log());
            }
            try (var socket = new Socket()) {
                socket.connect(address(), 200);
                return;
            } catch (IOException e) {
                Readiness.sleepMillis(5);
            }
        }
        close();
        throw new IllegalStateException("nginx did not listen on " + port + " within " + timeout.toMillis() + " ms: " + log());
    }

    private String log() {
        try {
            Path errors = dir.resolve("error.log");
            return Files.exists(errors) ? Files.readString(errors).strip() : "(no error.log)";
        } catch (IOException e) {
            return "(error.log unreadable: " + e.getMessage() + ")";
        }
    }

    public InetSocketAddress address() {
        return Ports.loopback(port);
    }

    /** nginx -v, for the report. */
    public static String version(Path binary) {
        try {
            var process = new ProcessBuilder(binary.toString(), "-v").redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes()).strip();
            process.waitFor(5, TimeUnit.SECONDS);
            return out.replace("nginx version: ", "");
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    @Override
    public void close() {
        process.destroy(); // SIGTERM: nginx's fast shutdown, workers included
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
