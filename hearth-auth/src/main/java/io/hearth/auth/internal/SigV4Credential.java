package io.hearth.auth.internal;

import io.hearth.auth.AuthException;
import java.util.regex.Pattern;

/**
 * The credential of a SigV4 signature, {@code <access key id>/<yyyyMMdd>/<region>/<service>/aws4_request}.
 *
 * @param accessKeyId the key that signed
 * @param date        the scope's day, {@code yyyyMMdd}
 * @param region      the region the client signed for; any is accepted, it only enters the key derivation
 * @param service     the signing name
 */
public record SigV4Credential(String accessKeyId, String date, String region, String service) {
    public static final String TERMINATOR = "aws4_request";
    private static final Pattern DATE = Pattern.compile("[0-9]{8}");
    private static final Pattern REGION = Pattern.compile("[a-z0-9-]{1,64}");

    public static SigV4Credential parse(String credential) {
        String[] parts = credential.split("/", -1);
        if (parts.length != 5) {
            throw new AuthException.IncompleteSignature("Credential must have exactly 5 slash-delimited elements, "
                    + "e.g. keyid/date/region/service/term, got '" + credential + "'");
        }
        if (parts[0].isEmpty()) {
            throw new AuthException.IncompleteSignature("Credential must name an access key id, got '" + credential + "'");
        }
        if (!DATE.matcher(parts[1]).matches()) {
            throw new AuthException.IncompleteSignature(
                    "Credential should be scoped to a valid date (yyyyMMdd), not '" + parts[1] + "'.");
        }
        if (!REGION.matcher(parts[2]).matches()) {
            throw new AuthException.IncompleteSignature(
                    "Credential should be scoped to a valid region, not '" + parts[2] + "'.");
        }
        if (!parts[4].equals(TERMINATOR)) {
            throw new AuthException.IncompleteSignature("Credential should be scoped with a valid terminator: '"
                    + TERMINATOR + "', not '" + parts[4] + "'.");
        }
        return new SigV4Credential(parts[0], parts[1], parts[2], parts[3]);
    }

    /** The credential scope, as in the string to sign. */
    public String scope() {
        return date + "/" + region + "/" + service + "/" + TERMINATOR;
    }
}
