package io.hearth.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for "the internet" and for "a private network", both on this machine: a network namespace with a
 * public-looking address (198.51.100.2, TEST-NET-2) and a private one (172.31.255.2), each routed from the host over
 * one veth, with a small HTTP server on port 8000. Sandboxes' egress can be tested against it without a packet
 * leaving the host.
 */
final class ExternalTestHost implements AutoCloseable {
    static final String NETNS = "htest-ext";
    static final String PUBLIC_IP = "198.51.100.2";
    static final String PRIVATE_IP = "172.31.255.2";
    static final int PORT = 8000;

    private final Process server;

    private ExternalTestHost(Process server) {
        this.server = server;
    }

    static ExternalTestHost start() throws IOException, InterruptedException {
        removeLeftovers();
        run("ip", "netns", "add", NETNS);
        run("ip", "link", "add", "htestx0", "type", "veth", "peer", "name", "eth0", "netns", NETNS);
        run("ip", "addr", "add", "198.51.100.1/30", "dev", "htestx0");
        run("ip", "addr", "add", "172.31.255.1/30", "dev", "htestx0");
        run("ip", "link", "set", "htestx0", "up");
        run("ip", "-n", NETNS, "addr", "add", PUBLIC_IP + "/30", "dev", "eth0");
        run("ip", "-n", NETNS, "addr", "add", PRIVATE_IP + "/30", "dev", "eth0");
        run("ip", "-n", NETNS, "link", "set", "eth0", "up");
        run("ip", "-n", NETNS, "link", "set", "lo", "up");
        // Both targets must be reached over our veth, never over the host's uplink.
        assertThat(output("ip", "route", "get", PUBLIC_IP)).contains("dev htestx0");
        assertThat(output("ip", "route", "get", PRIVATE_IP)).contains("dev htestx0");
        Process server = new ProcessBuilder("ip", "netns", "exec", NETNS, TestAgents.PYTHON, "-m", "http.server",
                Integer.toString(PORT), "--bind", "0.0.0.0")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        var host = new ExternalTestHost(server);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!host.reachableFromHost(PUBLIC_IP)) {
            if (System.nanoTime() > deadline) {
                host.close();
                throw new AssertionError("the external test host's HTTP server did not come up");
            }
            Thread.sleep(20);
        }
        return host;
    }

    boolean reachableFromHost(String ip) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress(ip, PORT), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        server.destroyForcibly();
        removeLeftovers();
    }

    private static void removeLeftovers() {
        try {
            new ProcessBuilder("ip", "netns", "delete", NETNS).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
            new ProcessBuilder("ip", "link", "delete", "htestx0").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void run(String... argv) throws IOException, InterruptedException {
        var process = new ProcessBuilder(List.of(argv)).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new AssertionError(String.join(" ", argv) + " failed: " + out);
        }
    }

    private static String output(String... argv) throws IOException, InterruptedException {
        var process = new ProcessBuilder(List.of(argv)).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return out;
    }
}
