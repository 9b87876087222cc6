package io.hearth.bench.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/** Loopback addresses and free ports: every byte the bench sends stays on this machine. */
public final class Ports {
    public static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final int RANGE = 8_000;
    private static final int LOWEST = Math.max(10_000, ephemeralLow() - RANGE);
    private static final AtomicInteger NEXT = new AtomicInteger((int) (ProcessHandle.current().pid() % RANGE));

    private Ports() {}

    /**
     * A port for an agent or proxy to listen on, free right now. Taken from just below the kernel's ephemeral range,
     * not from it: between this call and the process's bind, thousands of outgoing connections (pings, polls, load)
     * pick ephemeral ports, and one of them taking this port would make the agent fail with EADDRINUSE.
     */
    public static int free() {
        for (int attempt = 0; attempt < RANGE; attempt++) {
            int port = LOWEST + Math.floorMod(NEXT.getAndIncrement(), RANGE);
            try (var socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(port), 1);
                return port;
            } catch (IOException e) {
                // in use: try the next one
            }
        }
        throw new IllegalStateException("no free port in " + LOWEST + ".." + (LOWEST + RANGE - 1)
                + " (expected: some free ports below the ephemeral range)");
    }

    public static InetSocketAddress loopback(int port) {
        return new InetSocketAddress(LOOPBACK, port);
    }

    public static String hostPort(InetSocketAddress address) {
        return address.getAddress().getHostAddress() + ":" + address.getPort();
    }

    private static int ephemeralLow() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32_768; // Linux's default
        }
    }
}
