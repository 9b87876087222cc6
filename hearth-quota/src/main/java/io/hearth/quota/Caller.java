package io.hearth.quota;

import static java.util.Objects.requireNonNull;

import io.hearth.deployment.Deployment;
import java.util.Optional;

/**
 * Who a limit is counted against: the tenant that owns the runtime, and the caller within it when known (its
 * {@code Principal.ownerKey()}: an access key, or a key acting for one end user).
 *
 * @param tenant    the account that owns the runtime
 * @param principal the authenticated caller within the tenant, when known
 */
public record Caller(String tenant, Optional<String> principal) {
    public Caller {
        requireNonNull(tenant, "tenant");
        requireNonNull(principal, "principal");
        if (tenant.isBlank()) {
            throw new IllegalArgumentException("tenant: blank (expected: an account id)");
        }
    }

    /** The runtime's owner, with the caller {@code principal} within it. */
    public static Caller of(Deployment deployment, String principal) {
        return new Caller(owner(deployment).tenant(), Optional.of(principal));
    }

    /** The account in the runtime's ARN ({@code arn:aws:bedrock-agentcore:<region>:<account>:runtime/<id>}). */
    public static Caller owner(Deployment deployment) {
        String[] parts = deployment.runtimeArn().split(":", 6);
        String account = parts.length == 6 && !parts[4].isBlank() ? parts[4] : "local";
        return new Caller(account, Optional.empty());
    }
}
