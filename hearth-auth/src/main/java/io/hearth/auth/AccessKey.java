package io.hearth.auth;

import static java.util.Objects.requireNonNull;

import java.util.regex.Pattern;

/**
 * An access key a caller signs requests with (SigV4): its id, its secret, the tenant it acts for, and whether it may
 * be used. Hearth's keys are long-lived; there are no session tokens.
 *
 * @param id      the access key id, as in {@code Credential=<id>/...}
 * @param secret  the secret access key the signing key is derived from
 * @param tenant  the account the key belongs to, 12 digits
 * @param enabled a disabled key is refused as if it did not exist
 */
public record AccessKey(String id, String secret, String tenant, boolean enabled) {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_]{1,128}");
    private static final Pattern ACCOUNT = Pattern.compile("[0-9]{12}");

    public AccessKey {
        requireNonNull(id, "id");
        requireNonNull(secret, "secret");
        requireNonNull(tenant, "tenant");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("id: " + id + " (expected: 1 to 128 letters, digits or '_')");
        }
        if (secret.isEmpty()) {
            throw new IllegalArgumentException("secret: empty (expected: the secret access key)");
        }
        if (!ACCOUNT.matcher(tenant).matches()) {
            throw new IllegalArgumentException("tenant: " + tenant + " (expected: 12 digits)");
        }
    }

    /** Never shows the secret: keys end up in logs and assertion messages. */
    @Override
    public String toString() {
        return "AccessKey[id=" + id + ", tenant=" + tenant + ", enabled=" + enabled + "]";
    }
}
