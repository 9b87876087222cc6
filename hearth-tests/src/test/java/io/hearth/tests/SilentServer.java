package io.hearth.tests;

import io.hearth.api.Workers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A loopback port that accepts connections and never says a word: a registry that hangs. */
final class SilentServer implements AutoCloseable {
    private final ServerSocket socket;
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private final Workers acceptor = Workers.bounded("silent-server", 1, 1);

    private SilentServer(ServerSocket socket) {
        this.socket = socket;
        acceptor.execute(this::accept);
    }

    static SilentServer start() {
        try {
            return new SilentServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String host() {
        return "127.0.0.1:" + socket.getLocalPort();
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                held.add(socket.accept());
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
            for (Socket connection : held) {
                connection.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        acceptor.close(Duration.ofSeconds(5));
    }
}
