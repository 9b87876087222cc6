package io.hearth.quota;

import static java.util.Objects.requireNonNull;

import io.hearth.deployment.Deployment;
import java.util.Optional;

/**
 * Who a limit is counted against. Today there is one tenant, the server's account, and no principal; limits are
 * keyed by tenant (and will be by principal) so that callers authenticated later get their own counts.
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

    /** The account in the runtime's ARN ({@code arn:aws:bedrock-agentcore:<region>:<account>:runtime/<id>}). */
    public static Caller owner(Deployment deployment) {
        String[] parts = deployment.runtimeArn().split(":", 6);
        String account = parts.length == 6 && !parts[4].isBlank() ? parts[4] : "local";
        return new Caller(account, Optional.empty());
    }
}
