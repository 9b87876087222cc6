package io.hearth.sandbox.internal;

import java.util.regex.Pattern;

/** Guards paths and names built from a sandbox id: only ids of the {@code SandboxIds} form reach the host. */
final class SandboxIdCheck {
    private static final Pattern ID = Pattern.compile("sb-[a-z0-9]{20}");

    private SandboxIdCheck() {}

    static boolean matches(String id) {
        return ID.matcher(id).matches();
    }

    static String require(String id) {
        if (!matches(id)) {
            throw new IllegalArgumentException("sandbox id: " + id + " (expected: sb- and 20 lower-case letters or digits)");
        }
        return id;
    }
}
