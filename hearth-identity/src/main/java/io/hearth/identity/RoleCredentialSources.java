package io.hearth.identity;

import io.hearth.api.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The operator's credential source per role ARN, from the file given with {@code --role-credentials}:
 *
 * <pre>{@code
 * {
 *   "arn:aws:iam::111122223333:role/agent": {"accessKeyId": "AKIA...", "secretAccessKey": "...", "sessionToken": "..."},
 *   "arn:aws:iam::111122223333:role/other": {"assumeRole": {"region": "us-east-1", "externalId": "x", "durationSeconds": 3600}}
 * }
 * }</pre>
 */
public record RoleCredentialSources(Map<String, CredentialSource> byRole) {
    public static final RoleCredentialSources NONE = new RoleCredentialSources(Map.of());
    private static final Pattern ROLE_ARN = Pattern.compile("arn:aws(-[^:]+)?:iam::([0-9]{12})?:role/.+");

    public RoleCredentialSources {
        byRole = Map.copyOf(byRole);
        for (String role : byRole.keySet()) {
            if (!ROLE_ARN.matcher(role).matches()) {
                throw new IllegalArgumentException("role: " + role + " (expected: an IAM role ARN, arn:aws:iam::<account>:role/<name>)");
            }
        }
    }

    public Optional<CredentialSource> forRole(String roleArn) {
        return Optional.ofNullable(byRole.get(roleArn));
    }

    /** @throws IllegalArgumentException naming the file and the entry when the file is not as documented */
    public static RoleCredentialSources load(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("role credentials file " + file + ": cannot read it (" + e + ")", e);
        }
        JsonNode root;
        try {
            root = Json.mapper().readTree(bytes);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("role credentials file " + file + ": not JSON (" + e.getOriginalMessage() + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("role credentials file " + file + " (expected: a JSON object of role ARN to source)");
        }
        var sources = new LinkedHashMap<String, CredentialSource>();
        for (var entry : root.properties()) {
            try {
                sources.put(entry.getKey(), source(entry.getValue()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("role credentials file " + file + ", role " + entry.getKey() + ": " + e.getMessage(), e);
            }
        }
        try {
            return new RoleCredentialSources(sources);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("role credentials file " + file + ": " + e.getMessage(), e);
        }
    }

    private static CredentialSource source(JsonNode node) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(node + " (expected: an object with accessKeyId and secretAccessKey, or assumeRole)");
        }
        if (node.has("assumeRole")) {
            JsonNode assume = node.get("assumeRole");
            if (!assume.isObject()) {
                throw new IllegalArgumentException("assumeRole: " + assume + " (expected: an object, {} for the defaults)");
            }
            return new CredentialSource.AssumeRole(text(assume, "region"), text(assume, "externalId"),
                    Duration.ofSeconds(assume.path("durationSeconds").asLong(CredentialSource.AssumeRole.DEFAULT_DURATION.toSeconds())));
        }
        String keyId = text(node, "accessKeyId").orElseThrow(() -> new IllegalArgumentException(
                "accessKeyId: missing (expected: accessKeyId and secretAccessKey, or assumeRole)"));
        String secret = text(node, "secretAccessKey").orElseThrow(() -> new IllegalArgumentException(
                "secretAccessKey: missing (expected: the secret of " + keyId + ")"));
        return new CredentialSource.StaticKeys(new RoleCredentials(keyId, secret, text(node, "sessionToken"), Optional.empty()));
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isString()) {
            throw new IllegalArgumentException(field + ": " + value + " (expected: a string)");
        }
        return Optional.of(value.stringValue());
    }
}
