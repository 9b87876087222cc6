package io.hearth.auth;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who made a request, once authenticated: the tenant (the 12-digit account in every ARN) and an identity within it.
 * Sessions belong to a principal; another principal presenting the same session id is refused as if the session did
 * not exist.
 *
 * @param tenant   the account id, 12 digits
 * @param kind     how the caller proved who it is
 * @param identity the access key id (SigV4), or {@code iss + " " + sub} (JWT)
 * @param userId   the end user the caller acts for, where it may ({@code X-Amzn-Bedrock-AgentCore-Runtime-User-Id})
 */
public record Principal(String tenant, Kind kind, String identity, Optional<String> userId) {
    private static final Pattern ACCOUNT = Pattern.compile("[0-9]{12}");

    /** The request attribute under which the edge leaves the authenticated principal for the handlers after it. */
    public static final String REQUEST_ATTRIBUTE = "io.hearth.auth.Principal";

    public enum Kind {
        /** An access key verified by its SigV4 signature. */
        ACCESS_KEY,
        /** A bearer token verified by the runtime's JWT authorizer. */
        JWT,
        /** Authentication is off (local development only). */
        ANONYMOUS
    }

    public Principal {
        requireNonNull(tenant, "tenant");
        requireNonNull(kind, "kind");
        requireNonNull(identity, "identity");
        requireNonNull(userId, "userId");
        if (!ACCOUNT.matcher(tenant).matches()) {
            throw new IllegalArgumentException("tenant: " + tenant + " (expected: 12 digits)");
        }
        if (identity.isEmpty()) {
            throw new IllegalArgumentException("identity: empty (expected: an access key id or issuer and subject)");
        }
    }

    /** The same principal acting for {@code user}. */
    public Principal actingFor(String user) {
        return new Principal(tenant, kind, identity, Optional.of(user));
    }

    /** What a session's owner is compared by: the identity, refined by the end user where there is one. */
    public String ownerKey() {
        return kind + ":" + identity + userId.map(u -> "#" + u).orElse("");
    }
}
