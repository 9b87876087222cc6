package io.hearth.cli.internal;

import io.hearth.auth.AccessKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The access key the CLI signs with: {@code HEARTH_ACCESS_KEY_ID} / {@code HEARTH_SECRET_ACCESS_KEY}, else the
 * {@code [default]} profile of {@code <data-dir>/credentials}, which the server writes for its root key.
 *
 * @param key    the key (its tenant is unknown to the client and not signed; a placeholder)
 * @param region the region to sign for (any is accepted)
 */
public record Credentials(AccessKey key, String region) {
    private static final String ANY_TENANT = "000000000000";

    public static Optional<Credentials> find(Path dataDir) {
        Optional<Credentials> env = fromEnvironment(System.getenv());
        return env.isPresent() ? env : fromFile(dataDir.resolve("credentials"));
    }

    public static Optional<Credentials> fromEnvironment(Map<String, String> env) {
        String id = env.get("HEARTH_ACCESS_KEY_ID");
        String secret = env.get("HEARTH_SECRET_ACCESS_KEY");
        if (id == null || id.isBlank() || secret == null || secret.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(new Credentials(new AccessKey(id.strip(), secret.strip(), ANY_TENANT, true),
                env.getOrDefault("AWS_REGION", "us-east-1")));
    }

    /** The {@code [default]} profile of an AWS-style credentials file; empty when there is no file. */
    public static Optional<Credentials> fromFile(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Map<String, String> values = new HashMap<>();
        String section = "";
        try {
            for (String line : Files.readAllLines(file)) {
                String trimmed = line.strip();
                if (trimmed.startsWith("[") && trimmed.endsWith("]")) {
                    section = trimmed.substring(1, trimmed.length() - 1).strip();
                } else if (section.equals("default") && trimmed.contains("=") && !trimmed.startsWith("#")) {
                    int eq = trimmed.indexOf('=');
                    values.put(trimmed.substring(0, eq).strip(), trimmed.substring(eq + 1).strip());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("credentials file " + file + ": " + e.getMessage(), e);
        }
        String id = values.get("aws_access_key_id");
        String secret = values.get("aws_secret_access_key");
        if (id == null || secret == null) {
            throw new IllegalArgumentException("credentials file " + file + ": no aws_access_key_id and"
                    + " aws_secret_access_key in [default] (expected: the file the Hearth server writes)");
        }
        return Optional.of(new Credentials(new AccessKey(id, secret, ANY_TENANT, true), values.getOrDefault("region", "us-east-1")));
    }
}
