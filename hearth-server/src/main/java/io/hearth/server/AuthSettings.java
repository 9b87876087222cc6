package io.hearth.server;

import static java.util.Objects.requireNonNull;

import io.hearth.auth.AccessKey;
import java.util.Optional;

/**
 * How callers authenticate (docs/authentication.md).
 *
 * @param mode                        {@link Mode#SIGV4} (the default) or {@link Mode#NONE}: no authentication at all
 * @param rootKey                     the root access key, given explicitly ({@code HEARTH_ACCESS_KEY_ID} /
 *                                    {@code HEARTH_SECRET_ACCESS_KEY}); when empty, the server creates one on its
 *                                    first start. Its tenant is replaced by the server's account.
 * @param allowUnauthenticatedRemote  whether {@link Mode#NONE} may listen on an address other than loopback
 */
public record AuthSettings(Mode mode, Optional<AccessKey> rootKey, boolean allowUnauthenticatedRemote) {
    public enum Mode {
        /** Every request signed with SigV4 by an access key of this server. */
        SIGV4,
        /** No authentication: every caller acts for the server's account. Local development only. */
        NONE
    }

    public static final AuthSettings DEFAULT = new AuthSettings(Mode.SIGV4, Optional.empty(), false);

    public AuthSettings {
        requireNonNull(mode, "mode");
        requireNonNull(rootKey, "rootKey");
    }

    public AuthSettings withRootKey(AccessKey key) {
        return new AuthSettings(mode, Optional.of(key), allowUnauthenticatedRemote);
    }

    /** Authentication off; {@code remote} allows a non-loopback bind too. */
    public static AuthSettings none(boolean remote) {
        return new AuthSettings(Mode.NONE, Optional.empty(), remote);
    }
}
