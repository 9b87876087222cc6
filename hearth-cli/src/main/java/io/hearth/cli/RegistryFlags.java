package io.hearth.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.hearth.image.EcrMapping;
import io.hearth.image.RegistryCredentials;
import io.hearth.image.RegistrySettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The {@code --registry-*} flags as {@link RegistrySettings}; every mistake names the flag and the form it takes. */
final class RegistryFlags {
    private RegistryFlags() {}

    static RegistrySettings settings(List<String> insecure, List<String> mirrors, List<String> credentials,
            String ecr) {
        RegistrySettings settings = RegistrySettings.defaults();
        try {
            for (String registry : insecure) {
                settings = settings.withInsecure(registry);
            }
            for (String mirror : mirrors) {
                String[] parts = pair("--registry-mirror", mirror, "<registry>=<mirror host[:port]>");
                settings = settings.withMirror(parts[0], parts[1]);
            }
            for (String entry : credentials) {
                String[] parts = pair("--registry-credentials", entry, "<host[:port]>=<file>");
                settings = settings.withCredentials(parts[0], credentials(parts[1]));
            }
            if (ecr != null) {
                int slash = ecr.indexOf('/');
                settings = settings.withEcr(slash < 0 ? new EcrMapping(ecr, "")
                        : new EcrMapping(ecr.substring(0, slash), ecr.substring(slash + 1)));
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--registry-*: " + e.getMessage(), e);
        }
        return settings;
    }

    private static String[] pair(String flag, String value, String expected) {
        int equals = value.indexOf('=');
        if (equals <= 0 || equals == value.length() - 1) {
            throw new IllegalArgumentException(flag + " " + value + " (expected: " + expected + ")");
        }
        return new String[] {value.substring(0, equals), value.substring(equals + 1)};
    }

    /** A file holding {@code user:password}, or {@code Bearer <token>}; a file keeps secrets out of process lists. */
    private static RegistryCredentials credentials(String file) {
        String text;
        try {
            text = Files.readString(Path.of(file), UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalArgumentException("--registry-credentials " + file + ": cannot read it (" + e.getMessage()
                    + "; expected: a file holding user:password or Bearer <token>)", e);
        }
        if (text.startsWith("Bearer ")) {
            return new RegistryCredentials.Bearer(text.substring("Bearer ".length()).strip());
        }
        int colon = text.indexOf(':');
        if (colon <= 0 || text.contains("\n")) {
            throw new IllegalArgumentException("--registry-credentials " + file
                    + ": not one line of user:password (expected: user:password or Bearer <token>)");
        }
        return new RegistryCredentials.Basic(text.substring(0, colon), text.substring(colon + 1));
    }
}
