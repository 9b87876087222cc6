package io.hearth.bench.internal;

import io.hearth.auth.AccessKey;
import io.hearth.auth.SigV4Signer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The root access key of the Hearth servers a bench or soak run starts, and SigV4 for the bench's own clients: Hearth
 * is measured as it is deployed, authentication on. The key comes from {@code HEARTH_ACCESS_KEY_ID} /
 * {@code HEARTH_SECRET_ACCESS_KEY} when both are set (the child processes of a run get it that way), else it is made
 * fresh for the run.
 *
 * <p>A load generator signs each distinct request once and repeats its bytes: Hearth accepts a signature for 15
 * minutes either side of its time, and no measurement of one request runs that long.
 */
public final class BenchAuth {
    public static final String KEY_ID_VARIABLE = "HEARTH_ACCESS_KEY_ID";
    public static final String SECRET_VARIABLE = "HEARTH_SECRET_ACCESS_KEY";
    public static final String REGION = "us-east-1";
    private static final String ACCOUNT = "000000000000";

    private static final class Holder {
        static final AccessKey KEY = load();
        static final SigV4Signer SIGNER = new SigV4Signer(KEY, REGION);
    }

    private BenchAuth() {}

    public static AccessKey rootKey() {
        return Holder.KEY;
    }

    /** The variables that give a child process (a server, a client) this run's root key. */
    public static Map<String, String> environment() {
        return Map.of(KEY_ID_VARIABLE, rootKey().id(), SECRET_VARIABLE, rootKey().secret());
    }

    /** The signature headers for a request to Hearth at {@code uri}, for a client that sets its own {@code Host}. */
    public static Map<String, String> sign(String method, URI uri, byte[] body) {
        return Holder.SIGNER.sign(method, uri, Map.of(), SigV4Signer.sha256Hex(body));
    }

    /**
     * {@code extra} header name-value pairs followed by the signature of a request to Hearth at {@code address}, as
     * {@link HttpConnection#request} and {@link EchoTransfer#run} take them.
     *
     * @param payloadSha256 {@link SigV4Signer#sha256Hex} of the body, or {@link SigV4Signer#UNSIGNED_PAYLOAD} for a
     *                      body streamed without being held
     */
    public static String[] headers(String method, InetSocketAddress address, String pathAndQuery, String payloadSha256,
            String... extra) {
        var pairs = new ArrayList<>(List.of(extra));
        URI uri = URI.create("http://" + Ports.hostPort(address) + pathAndQuery);
        Holder.SIGNER.sign(method, uri, Map.of(), payloadSha256).forEach((name, value) -> {
            pairs.add(name);
            pairs.add(value);
        });
        return pairs.toArray(String[]::new);
    }

    /** The bytes of a signed request to Hearth with a complete body (see {@link HttpConnection#request}). */
    public static byte[] request(String method, InetSocketAddress address, String pathAndQuery, String contentType,
            byte[] body, String... extra) {
        return HttpConnection.request(method, Ports.hostPort(address), pathAndQuery, contentType, body,
                headers(method, address, pathAndQuery, SigV4Signer.sha256Hex(body), extra));
    }

    private static AccessKey load() {
        String id = System.getenv(KEY_ID_VARIABLE);
        String secret = System.getenv(SECRET_VARIABLE);
        if (id != null && !id.isBlank() && secret != null && !secret.isBlank()) {
            return new AccessKey(id.strip(), secret.strip(), ACCOUNT, true);
        }
        var random = new SecureRandom();
        return new AccessKey("HBENCH" + randomText(random, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 14),
                randomText(random, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 40), ACCOUNT, true);
    }

    private static String randomText(SecureRandom random, String alphabet, int length) {
        var text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }
}
