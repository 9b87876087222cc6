package io.hearth.deployment;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * Whose AWS credentials a runtime's agents get from Hearth's metadata service.
 *
 * @param roleArn       the runtime's {@code roleArn} (its execution role)
 * @param requireImdsV2 {@code metadataConfiguration.requireMMDSV2}: refuse metadata requests without a session token
 */
public record AgentIdentity(Optional<String> roleArn, boolean requireImdsV2) {
    public static final AgentIdentity NONE = new AgentIdentity(Optional.empty(), false);

    public AgentIdentity {
        requireNonNull(roleArn, "roleArn");
        roleArn.filter(String::isBlank).ifPresent(r -> {
            throw new IllegalArgumentException("roleArn: '" + r + "' (expected: an IAM role ARN)");
        });
    }
}
