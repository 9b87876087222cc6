package io.hearth.server.internal;

import static java.util.Objects.requireNonNull;

import io.hearth.auth.WorkloadTokens;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /hearth/v1/.well-known/jwks.json}: the public key workload access tokens are signed with, so an agent
 * (or anything it hands the token to) can check one came from this Hearth. Open to all, as public keys are.
 */
public final class JwksHandler extends Handler.Abstract {
    private final byte[] jwks;

    public JwksHandler(WorkloadTokens tokens) {
        this.jwks = requireNonNull(tokens, "tokens").jwks().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (!request.getMethod().equals("GET") || !EdgeAuth.JWKS_PATH.equals(request.getHttpURI().getPath())) {
            return false;
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/jwk-set+json");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "max-age=300");
        response.write(true, ByteBuffer.wrap(jwks), callback);
        return true;
    }
}
