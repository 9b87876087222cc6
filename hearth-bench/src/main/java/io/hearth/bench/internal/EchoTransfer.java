package io.hearth.bench.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One big request whose echo is read while it is still being sent: a writer thread streams the body from one
 * reused buffer while the caller reads the answer, so neither side ever holds the payload whole and the client's
 * own heap stays flat.
 */
public final class EchoTransfer {
    private static final int CHUNK = 64 * 1024;
    private static final int READ_TIMEOUT_MS = 120_000;

    private EchoTransfer() {}

    /** What one transfer took. */
    public record Outcome(long bytesSent, long bytesEchoed, double seconds) {
        public double megabytesPerSecond() {
            return bytesSent / 1e6 / seconds;
        }
    }

    public static Outcome run(InetSocketAddress address, String path, long bytes, String... headers) throws IOException {
        var head = new StringBuilder()
                .append("POST ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(Ports.hostPort(address)).append("\r\n")
                .append("Content-Type: application/octet-stream\r\n")
                .append("Content-Length: ").append(bytes).append("\r\n");
        for (int i = 0; i + 1 < headers.length; i += 2) {
            head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        head.append("\r\n");
        try (var connection = HttpConnection.open(address, READ_TIMEOUT_MS)) {
            var failure = new AtomicReference<IOException>();
            long started = System.nanoTime();
            connection.sendHead(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            Thread writer = Thread.ofPlatform().name("bench-echo-writer").daemon().start(() -> {
                try {
                    writeBody(connection.output(), bytes);
                } catch (IOException e) {
                    failure.set(e);
                }
            });
            HttpConnection.Reply reply;
            try {
                reply = connection.readResponse();
            } finally {
                joinQuietly(writer);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            if (failure.get() != null) {
                throw new IOException("sending " + bytes + " bytes to " + path + " failed: " + failure.get().getMessage(), failure.get());
            }
            if (reply.status() != 200 || reply.bodyBytes() != bytes) {
                throw new IOException("echo of " + bytes + " bytes from " + path + ": HTTP " + reply.status() + " with "
                        + reply.bodyBytes() + " bytes (expected: 200 with the same length)");
            }
            return new Outcome(bytes, reply.bodyBytes(), seconds);
        }
    }

    private static void writeBody(OutputStream out, long bytes) throws IOException {
        byte[] chunk = new byte[CHUNK];
        for (int i = 0; i < chunk.length; i++) {
            chunk[i] = (byte) ('a' + i % 26);
        }
        long left = bytes;
        while (left > 0) {
            int n = (int) Math.min(chunk.length, left);
            out.write(chunk, 0, n);
            left -= n;
        }
        out.flush();
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join(READ_TIMEOUT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
