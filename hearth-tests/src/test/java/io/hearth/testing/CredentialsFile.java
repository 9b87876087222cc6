package io.hearth.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The {@code [default]} profile of the AWS-style credentials file a server writes into its data dir. */
public record CredentialsFile(String accessKeyId, String secretAccessKey, String region) {

    public static CredentialsFile read(Path file) {
        var values = new HashMap<String, String>();
        String section = "";
        try {
            for (String raw : Files.readAllLines(file)) {
                String line = raw.strip();
                if (line.startsWith("[") && line.endsWith("]")) {
                    section = line.substring(1, line.length() - 1).strip();
                } else if (section.equals("default") && line.contains("=") && !line.startsWith("#")) {
                    int eq = line.indexOf('=');
                    values.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return new CredentialsFile(required(values, "aws_access_key_id", file),
                required(values, "aws_secret_access_key", file), values.getOrDefault("region", "us-east-1"));
    }

    /** Clients that sign with this key. */
    public Clients clients(java.net.URI endpoint) {
        return Clients.of(endpoint, accessKeyId, secretAccessKey);
    }

    private static String required(Map<String, String> values, String name, Path file) {
        String value = values.get(name);
        if (value == null || value.isEmpty()) {
            throw new AssertionError(file + ": no " + name + " in [default] (expected: an AWS credentials file)");
        }
        return value;
    }
}
