package io.hearth.control.internal;

import java.security.SecureRandom;

/** The random tails of runtime and endpoint ids: {@code <name>-<10 alphanumerics>}, as AgentCore mints them. */
final class ResourceIds {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".toCharArray();

    private ResourceIds() {}

    static String of(String name) {
        var id = new StringBuilder(name.length() + 11).append(name).append('-');
        for (int i = 0; i < 10; i++) {
            id.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
        }
        return id.toString();
    }
}
