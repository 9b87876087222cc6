package io.hearth.server.internal;

import io.hearth.api.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Collectors;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The web console's static files under {@code /console/} (docs/console.md). They hold no secret: the page asks for an
 * access key and signs every API call itself, so these few exact paths are the only ones {@link EdgeAuth} lets
 * through unsigned ({@link #serves}). Everything is read from the jar once, at start.
 */
public final class ConsoleHandler extends Handler.Abstract {
    static final String ROOT = "/console";
    /** Only the page's own origin: no inline script or style, no other host, never framed. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
            + " connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final Map<String, String> TYPES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "console.js", "text/javascript; charset=utf-8",
            "console.css", "text/css; charset=utf-8",
            "icon.svg", "image/svg+xml");

    private record Asset(byte[] body, String type, String etag) {}

    private final Map<String, Asset> assets;

    public ConsoleHandler() {
        this.assets = TYPES.entrySet().stream().collect(Collectors.toUnmodifiableMap(
                e -> ROOT + "/" + e.getKey(), e -> load(e.getKey(), e.getValue())));
    }

    /** A {@code GET} or {@code HEAD} of one of the console's exact paths: the requests served without a signature. */
    public static boolean serves(Request request) {
        String method = request.getMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return false;
        }
        String path = request.getHttpURI().getPath();
        return path != null && (path.equals(ROOT) || path.equals(ROOT + "/") || (path.startsWith(ROOT + "/")
                && TYPES.containsKey(path.substring(ROOT.length() + 1))));
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = request.getHttpURI().getPath();
        if (path == null || !(path.equals(ROOT) || path.startsWith(ROOT + "/"))) {
            return false;
        }
        if (!serves(request)) {
            throw ApiException.notFound("No console file at " + request.getMethod() + " " + path
                    + " (expected: GET " + ROOT + "/ or one of its files " + TYPES.keySet() + ")");
        }
        secure(response);
        if (path.equals(ROOT)) {
            // Relative links in the page resolve against /console/, not against /.
            response.setStatus(302);
            response.getHeaders().put(HttpHeader.LOCATION, ROOT + "/");
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0);
            response.write(true, null, callback);
            return true;
        }
        Asset asset = assets.get(path.equals(ROOT + "/") ? ROOT + "/index.html" : path);
        response.getHeaders().put(HttpHeader.ETAG, asset.etag());
        // Revalidated on every load (the ETag makes that cheap), so a restarted server's new console is picked up.
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        if (asset.etag().equals(request.getHeaders().get(HttpHeader.IF_NONE_MATCH))) {
            response.setStatus(304);
            response.write(true, null, callback);
            return true;
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, asset.type());
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, asset.body().length);
        response.write(true, request.getMethod().equals("HEAD") ? null : ByteBuffer.wrap(asset.body()), callback);
        return true;
    }

    private static void secure(Response response) {
        response.getHeaders().put("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.getHeaders().put("Referrer-Policy", "no-referrer");
        response.getHeaders().put("X-Frame-Options", "DENY");
    }

    private static Asset load(String name, String type) {
        String resource = "/console/" + name;
        try (InputStream in = ConsoleHandler.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("console file: " + resource + " (expected: in hearth-server's resources)");
            }
            byte[] body = in.readAllBytes();
            String etag = "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body), 0, 16) + "\"";
            return new Asset(body, type, etag);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read console file " + resource, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
