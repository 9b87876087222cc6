package io.hearth.bench.internal;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One blocking HTTP/1.1 keep-alive connection that sends prepared request bytes and reads the response without
 * keeping its body. The load generator uses it instead of a general client because per-request client cost on
 * two cores would otherwise show up as proxy cost: it parses only status, Content-Length, chunked framing and
 * Connection: close.
 */
public final class HttpConnection implements Closeable {
    private static final int CONNECT_TIMEOUT_MS = 5_000;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] buffer = new byte[64 * 1024];
    private int position;
    private int limit;
    private boolean closeRequested;

    private HttpConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    public static HttpConnection open(InetSocketAddress address, int readTimeoutMs) throws IOException {
        var socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(readTimeoutMs);
            socket.connect(address, CONNECT_TIMEOUT_MS);
            return new HttpConnection(socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** What came back: the status, how many body bytes, and when the first response byte arrived. */
    public record Reply(int status, long bodyBytes, long firstByteNanos) {}

    /** Sends a request that is complete in {@code request} and reads the whole response. */
    public Reply exchange(byte[] request) throws IOException {
        out.write(request);
        out.flush();
        return readResponse();
    }

    /** Sends only the head of a request whose body the caller streams with {@link #output()}. */
    public void sendHead(byte[] head) throws IOException {
        out.write(head);
    }

    public OutputStream output() {
        return out;
    }

    /** Reads one response; its body is counted, not kept. */
    public Reply readResponse() throws IOException {
        fill();
        long firstByte = System.nanoTime();
        String statusLine = line();
        if (!statusLine.startsWith("HTTP/1.")) {
            throw new IOException("status line: " + statusLine + " (expected: HTTP/1.x)");
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        closeRequested = statusLine.startsWith("HTTP/1.0");
        for (String header = line(); !header.isEmpty(); header = line()) {
            int colon = header.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = header.substring(0, colon).trim();
            String value = header.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("content-length")) {
                length = Long.parseLong(value);
            } else if (name.equalsIgnoreCase("transfer-encoding")) {
                chunked = value.toLowerCase().contains("chunked");
            } else if (name.equalsIgnoreCase("connection")) {
                closeRequested = value.equalsIgnoreCase("close");
            }
        }
        long body;
        if (chunked) {
            body = chunkedBody();
        } else if (length >= 0) {
            skip(length);
            body = length;
        } else {
            body = untilClose();
            closeRequested = true;
        }
        return new Reply(status, body, firstByte);
    }

    /** Whether the server asked to close after this response: the caller must open a new connection. */
    public boolean closeRequested() {
        return closeRequested;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing a socket we are done with: nothing to recover
        }
    }

    private long chunkedBody() throws IOException {
        long total = 0;
        while (true) {
            String sizeLine = line();
            int semicolon = sizeLine.indexOf(';');
            long size = Long.parseLong((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                while (!line().isEmpty()) {
                    // trailers: read past them
                }
                return total;
            }
            skip(size);
            total += size;
            line(); // the CRLF after the chunk
        }
    }

    private long untilClose() throws IOException {
        long total = limit - position;
        position = limit;
        int n;
        while ((n = in.read(buffer)) > 0) {
            total += n;
        }
        return total;
    }

    private void skip(long count) throws IOException {
        long left = count;
        while (left > 0) {
            if (position == limit) {
                fill();
            }
            int step = (int) Math.min(left, limit - position);
            position += step;
            left -= step;
        }
    }

    private String line() throws IOException {
        var text = new StringBuilder(64);
        while (true) {
            if (position == limit) {
                fill();
            }
            byte b = buffer[position++];
            if (b == '\n') {
                int end = text.length();
                if (end > 0 && text.charAt(end - 1) == '\r') {
                    text.setLength(end - 1);
                }
                return text.toString();
            }
            text.append((char) (b & 0xff));
            if (text.length() > 16 * 1024) {
                throw new IOException("a response line longer than 16 KiB (expected: HTTP framing)");
            }
        }
    }

    private void fill() throws IOException {
        if (position < limit) {
            return;
        }
        int n = in.read(buffer);
        if (n < 0) {
            throw new IOException("connection closed by the server mid-response");
        }
        position = 0;
        limit = n;
    }

    /** The bytes of a request with a complete body. */
    public static byte[] request(String method, String hostPort, String path, String contentType, byte[] body,
            String... extraHeaders) {
        var head = new StringBuilder(256)
                .append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(hostPort).append("\r\n");
        if (contentType != null) {
            head.append("Content-Type: ").append(contentType).append("\r\n");
        }
        head.append("Content-Length: ").append(body.length).append("\r\n");
        for (int i = 0; i + 1 < extraHeaders.length; i += 2) {
            head.append(extraHeaders[i]).append(": ").append(extraHeaders[i + 1]).append("\r\n");
        }
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(body, 0, all, headBytes.length, body.length);
        return all;
    }
}
