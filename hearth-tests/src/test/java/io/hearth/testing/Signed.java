package io.hearth.testing;

import io.hearth.auth.AccessKey;
import io.hearth.auth.SigV4Signer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SigV4 for the tests' own requests (java.net.http and raw sockets), signed with the root key every test server
 * starts with: the requests a test sends by hand are authenticated like the SDK's, unless a test is about that.
 */
public final class Signed {
    /** The root key of every test server; the SDK clients of {@link Clients} sign with it too. */
    public static final AccessKey ROOT_KEY =
            new AccessKey(Clients.ACCESS_KEY_ID, Clients.SECRET_ACCESS_KEY, "000000000000", true);
    public static final String REGION = "us-east-1";
    private static final SigV4Signer SIGNER = new SigV4Signer(ROOT_KEY, REGION);

    private Signed() {}

    /** The environment that gives a server process (or an SDK outside this JVM) the test root key. */
    public static Map<String, String> serverEnvironment() {
        return Map.of("HEARTH_ACCESS_KEY_ID", ROOT_KEY.id(), "HEARTH_SECRET_ACCESS_KEY", ROOT_KEY.secret());
    }

    /** The environment an AWS SDK (or the CLI) signs with the test root key from. */
    public static Map<String, String> sdkEnvironment() {
        return Map.of("AWS_ACCESS_KEY_ID", ROOT_KEY.id(), "AWS_SECRET_ACCESS_KEY", ROOT_KEY.secret(),
                "AWS_REGION", REGION);
    }

    /** A GET, signed. */
    public static HttpRequest.Builder get(URI uri) {
        return request("GET", uri, "");
    }

    /** A request with {@code body} (empty for none), its body hash signed. */
    public static HttpRequest.Builder request(String method, URI uri, String body) {
        return request(SIGNER, method, uri, body.getBytes(StandardCharsets.UTF_8));
    }

    /** A request with {@code body} (empty for none), its body hash signed with {@code key} rather than the root key. */
    public static HttpRequest.Builder request(AccessKey key, String method, URI uri, byte[] body) {
        return request(new SigV4Signer(key, REGION), method, uri, body);
    }

    private static HttpRequest.Builder request(SigV4Signer signer, String method, URI uri, byte[] body) {
        var builder = HttpRequest.newBuilder(uri).method(method, body.length == 0
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        signer.sign(method, uri, Map.of(), SigV4Signer.sha256Hex(body)).forEach(builder::header);
        return builder;
    }

    /** The signature headers for a request to {@code uri}; {@code payloadSha256} may be {@link SigV4Signer#UNSIGNED_PAYLOAD}. */
    public static Map<String, String> headers(String method, URI uri, String payloadSha256) {
        return SIGNER.sign(method, uri, Map.of(), payloadSha256);
    }

    /**
     * The head lines a raw request sends before its own headers: {@code Host} as it was signed and the signature,
     * each ending in CRLF; the body is not signed so that a test may send any body, or none, or too much.
     */
    public static String rawHead(String method, URI endpoint, String pathAndQuery) {
        URI uri = URI.create(endpoint.getScheme() + "://" + endpoint.getRawAuthority() + pathAndQuery);
        var lines = new LinkedHashMap<String, String>();
        lines.put("Host", uri.getRawAuthority());
        lines.putAll(headers(method, uri, SigV4Signer.UNSIGNED_PAYLOAD));
        var head = new StringBuilder();
        lines.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        return head.toString();
    }
}
