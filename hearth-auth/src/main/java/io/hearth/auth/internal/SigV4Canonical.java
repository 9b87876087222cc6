package io.hearth.auth.internal;

import io.hearth.auth.AuthException;
import io.hearth.auth.SignedRequest;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SequencedSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The canonical requests a client may have signed, up to the payload hash (which {@link SigV4Match} appends).
 *
 * <p>There is more than one because clients differ. The AWS SDKs encode the raw path once more, segment by segment
 * ({@code %3A} becomes {@code %253A}), while curl's {@code --aws-sigv4} signs the path as sent. A presigned URL may
 * have been signed with the host without its port (the AgentCore SDKs sign the hostname and the socket then connects
 * to host:port).
 */
public final class SigV4Canonical {
    private static final Pattern SPACES = Pattern.compile("[ \\t]+");
    private static final Pattern PORT = Pattern.compile(":[0-9]+$");

    private SigV4Canonical() {}

    /** Every accepted canonical request without its last line; each ends with the signed headers line and '\n'. */
    public static List<String> heads(SignedRequest request, SigV4Query query, SigV4Auth auth) {
        String rawPath = request.rawPath().isEmpty() ? "/" : request.rawPath();
        SequencedSet<String> paths = new LinkedHashSet<>(List.of(AwsUriEncoding.encodePath(rawPath), rawPath));
        String canonicalQuery = query.canonical(
                auth.presigned() ? Optional.of(SigV4Auth.SIGNATURE_PARAM) : Optional.empty());
        List<String> heads = new ArrayList<>();
        for (String headers : canonicalHeaders(request, auth)) {
            for (String path : paths) {
                heads.add(request.method() + "\n" + path + "\n" + canonicalQuery + "\n" + headers + "\n"
                        + auth.signedHeadersRaw() + "\n");
            }
        }
        return heads;
    }

    private static SequencedSet<String> canonicalHeaders(SignedRequest request, SigV4Auth auth) {
        SequencedSet<String> variants = new LinkedHashSet<>();
        for (String host : hosts(request, auth)) {
            StringBuilder block = new StringBuilder();
            for (String name : auth.signedHeaders()) {
                String value = name.equalsIgnoreCase("host") ? host : value(request, name);
                block.append(name.toLowerCase(Locale.ROOT)).append(':').append(value).append('\n');
            }
            variants.add(block.toString());
        }
        return variants;
    }

    private static SequencedSet<String> hosts(SignedRequest request, SigV4Auth auth) {
        String host = value(request, "host");
        SequencedSet<String> hosts = new LinkedHashSet<>(List.of(host));
        if (auth.presigned()) {
            hosts.add(PORT.matcher(host).replaceFirst(""));
        }
        return hosts;
    }

    private static String value(SignedRequest request, String name) {
        List<String> values = request.headerValues(name);
        if (values.isEmpty()) {
            throw new AuthException.InvalidSignature(
                    SigV4Match.MISMATCH + " Signed header '" + name + "' is not in the request.");
        }
        if (values.size() == 1) {
            return trimmed(values.getFirst());
        }
        return values.stream().map(SigV4Canonical::trimmed).collect(Collectors.joining(","));
    }

    /** The value stripped, runs of spaces and tabs made one space; most values have none, and skip the regex. */
    private static String trimmed(String value) {
        String stripped = value.strip();
        return stripped.indexOf('\t') < 0 && !stripped.contains("  ") ? stripped : SPACES.matcher(stripped).replaceAll(" ");
    }
}
