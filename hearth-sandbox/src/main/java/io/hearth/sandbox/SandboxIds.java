package io.hearth.sandbox;

import java.security.SecureRandom;

/** Mints sandbox ids: all the same length, so none is a prefix of another. */
public final class SandboxIds {
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private SandboxIds() {}

    public static String next() {
        var id = new StringBuilder("sb-");
        for (int i = 0; i < 20; i++) {
            id.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
        }
        return id.toString();
    }
}
