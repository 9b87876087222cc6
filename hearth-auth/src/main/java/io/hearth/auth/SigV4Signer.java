package io.hearth.auth;

import static java.util.Objects.requireNonNull;

import io.hearth.auth.internal.AwsUriEncoding;
import io.hearth.auth.internal.SigV4Crypto;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Signs requests with SigV4 for service {@code bedrock-agentcore} the way the AWS SDKs do (the raw path encoded once
 * more), for Hearth's own clients that do not use an AWS SDK: the CLI, the bench's load generators, test helpers.
 * {@link SigV4Verifier} accepts what it signs.
 */
public final class SigV4Signer {
    public static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final AccessKey key;
    private final String region;
    private final Clock clock;

    public SigV4Signer(AccessKey key, String region, Clock clock) {
        this.key = requireNonNull(key, "key");
        this.region = requireNonNull(region, "region");
        this.clock = requireNonNull(clock, "clock");
        if (region.isEmpty()) {
            throw new IllegalArgumentException("region: empty (expected: for example us-east-1)");
        }
    }

    public SigV4Signer(AccessKey key, String region) {
        this(key, region, Clock.systemUTC());
    }

    /** The lower-case hex SHA-256 of a body, for {@link #sign}'s payload hash. */
    public static String sha256Hex(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256: unavailable (expected: every JDK has it)", e);
        }
    }

    /**
     * The headers to add to a request so that it is signed: {@code X-Amz-Date}, {@code x-amz-content-sha256} and
     * {@code Authorization}. {@code Host} (from the URI) and every header in {@code headers} are signed.
     *
     * @param payloadSha256 {@link #sha256Hex} of the body, or {@link #UNSIGNED_PAYLOAD}
     */
    public Map<String, String> sign(String method, URI uri, Map<String, String> headers, String payloadSha256) {
        return sign(method, uri, headers, payloadSha256, true);
    }

    /**
     * As the AWS SDK for JavaScript v3 signs: the body's SHA-256 is in the signature but no {@code x-amz-content-sha256}
     * header is sent, so a verifier learns whether the body matches only at its end. Adds {@code X-Amz-Date} and
     * {@code Authorization}.
     */
    public Map<String, String> signWithoutContentHeader(String method, URI uri, Map<String, String> headers, byte[] body) {
        return sign(method, uri, headers, sha256Hex(body), false);
    }

    private Map<String, String> sign(String method, URI uri, Map<String, String> headers, String payloadSha256,
            boolean contentHeader) {
        String amzDate = AMZ_DATE.format(clock.instant());
        var signed = new TreeMap<String, String>();
        headers.forEach((name, value) -> signed.put(name.toLowerCase(Locale.ROOT), value.strip().replaceAll("[ \\t]+", " ")));
        signed.put("host", hostOf(uri));
        signed.put("x-amz-date", amzDate);
        if (contentHeader) {
            signed.put("x-amz-content-sha256", payloadSha256);
        }
        String signedHeaders = String.join(";", signed.keySet());
        var canonicalHeaders = new StringBuilder();
        signed.forEach((name, value) -> canonicalHeaders.append(name).append(':').append(value).append('\n'));
        String canonicalRequest = method + "\n" + canonicalPath(uri) + "\n" + canonicalQuery(uri.getRawQuery()) + "\n"
                + canonicalHeaders + "\n" + signedHeaders + "\n" + payloadSha256;
        String scope = amzDate.substring(0, 8) + "/" + region + "/" + SigV4Verifier.SERVICE + "/aws4_request";
        String signature = signature(amzDate, scope, canonicalRequest);
        var added = new LinkedHashMap<String, String>();
        added.put("X-Amz-Date", amzDate);
        if (contentHeader) {
            added.put("x-amz-content-sha256", payloadSha256);
        }
        added.put("Authorization", "AWS4-HMAC-SHA256 Credential=" + key.id() + "/" + scope + ", SignedHeaders="
                + signedHeaders + ", Signature=" + signature);
        return added;
    }

    /** A presigned URL for {@code uri} (a WebSocket upgrade, say), valid for {@code expires}, at most 300 s. */
    public URI presign(String method, URI uri, Duration expires) {
        long seconds = expires.toSeconds();
        if (seconds < 1 || seconds > SigV4Verifier.MAX_PRESIGNED_SECONDS) {
            throw new IllegalArgumentException("expires: " + expires + " (expected: 1 to "
                    + SigV4Verifier.MAX_PRESIGNED_SECONDS + " s)");
        }
        String amzDate = AMZ_DATE.format(clock.instant());
        String scope = amzDate.substring(0, 8) + "/" + region + "/" + SigV4Verifier.SERVICE + "/aws4_request";
        String query = (uri.getRawQuery() == null || uri.getRawQuery().isEmpty() ? "" : uri.getRawQuery() + "&")
                + "X-Amz-Algorithm=AWS4-HMAC-SHA256"
                + "&X-Amz-Credential=" + AwsUriEncoding.canonicalQueryComponent(key.id() + "/" + scope)
                + "&X-Amz-Date=" + amzDate
                + "&X-Amz-Expires=" + seconds
                + "&X-Amz-SignedHeaders=host";
        String canonicalRequest = method + "\n" + canonicalPath(uri) + "\n" + canonicalQuery(query) + "\n"
                + "host:" + hostOf(uri) + "\n\nhost\n" + UNSIGNED_PAYLOAD;
        String signature = signature(amzDate, scope, canonicalRequest);
        return URI.create(uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath() + "?" + query
                + "&X-Amz-Signature=" + signature);
    }

    private String signature(String amzDate, String scope, String canonicalRequest) {
        String stringToSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + SigV4Crypto.sha256Hex(canonicalRequest);
        byte[] signingKey = SigV4Crypto.hmac(("AWS4" + key.secret()).getBytes(StandardCharsets.UTF_8), amzDate.substring(0, 8));
        signingKey = SigV4Crypto.hmac(signingKey, region);
        signingKey = SigV4Crypto.hmac(signingKey, SigV4Verifier.SERVICE);
        signingKey = SigV4Crypto.hmac(signingKey, "aws4_request");
        return HexFormat.of().formatHex(SigV4Crypto.hmac(signingKey, stringToSign));
    }

    private static String hostOf(URI uri) {
        int port = uri.getPort();
        boolean defaultPort = port == -1 || ("http".equals(uri.getScheme()) && port == 80)
                || ("https".equals(uri.getScheme()) && port == 443);
        return defaultPort ? uri.getHost() : uri.getHost() + ":" + port;
    }

    private static String canonicalPath(URI uri) {
        String raw = uri.getRawPath();
        return AwsUriEncoding.encodePath(raw == null || raw.isEmpty() ? "/" : raw);
    }

    private static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        List<String[]> pairs = new ArrayList<>();
        for (String part : rawQuery.split("&")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            String name = eq < 0 ? part : part.substring(0, eq);
            String value = eq < 0 ? "" : part.substring(eq + 1);
            pairs.add(new String[] {AwsUriEncoding.canonicalQueryComponent(name), AwsUriEncoding.canonicalQueryComponent(value)});
        }
        pairs.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        var out = new StringBuilder();
        for (String[] pair : pairs) {
            out.append(out.isEmpty() ? "" : "&").append(pair[0]).append('=').append(pair[1]);
        }
        return out.toString();
    }
}
