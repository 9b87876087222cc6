package io.hearth.bench.internal;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;

/** Where one load connection goes and the request it repeats there. */
public record Endpoint(InetSocketAddress address, byte[] request) {
    public Endpoint {
        requireNonNull(address, "address");
        requireNonNull(request, "request");
        if (request.length == 0) {
            throw new IllegalArgumentException("request: empty (expected: the bytes of an HTTP/1.1 request)");
        }
    }
}
