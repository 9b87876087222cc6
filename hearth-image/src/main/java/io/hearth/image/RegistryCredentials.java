package io.hearth.image;

import static java.util.Objects.requireNonNull;

/** How Hearth signs in to one registry. */
public sealed interface RegistryCredentials {

    /** A user name and password (or an access token used as a password): sent as Basic, or to the token realm. */
    record Basic(String username, String password) implements RegistryCredentials {
        public Basic {
            requireNonNull(username, "username");
            requireNonNull(password, "password");
            if (username.isEmpty() || username.contains(":")) {
                throw new IllegalArgumentException("username: " + username + " (expected: non-empty, without ':')");
            }
        }

        @Override
        public String toString() {
            return "Basic[" + username + "]";
        }
    }

    /** A bearer token the registry accepts as it is. */
    record Bearer(String token) implements RegistryCredentials {
        public Bearer {
            requireNonNull(token, "token");
            if (token.isBlank()) {
                throw new IllegalArgumentException("token: blank (expected: a non-empty bearer token)");
            }
        }

        @Override
        public String toString() {
            return "Bearer[...]";
        }
    }
}
