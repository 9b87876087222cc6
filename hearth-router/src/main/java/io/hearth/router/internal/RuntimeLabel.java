package io.hearth.router.internal;

import io.hearth.api.ApiException;
import io.hearth.api.AwsIdentity;
import io.hearth.api.FieldError;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code {agentRuntimeArn}} path label: a full runtime ARN, or a runtime id with {@code accountId} in the
 * query (docs/wire-contract.md §2). Returns the runtime id once the ARN's region and account are this Hearth's.
 */
public final class RuntimeLabel {
    private static final Pattern ARN = Pattern.compile(
            "arn:aws(-[^:]+)?:bedrock-agentcore:([a-z0-9-]+):([0-9]{12}):runtime/([a-zA-Z][a-zA-Z0-9_]{0,99}-[a-zA-Z0-9]{10})");
    private static final Pattern RUNTIME_ID = Pattern.compile("[a-zA-Z][a-zA-Z0-9_]{0,99}-[a-zA-Z0-9]{10}");
    private static final Pattern ACCOUNT = Pattern.compile("[0-9]{12}");

    private RuntimeLabel() {}

    public static String runtimeId(String label, Optional<String> accountId, AwsIdentity identity) {
        if (label.startsWith("arn:")) {
            Matcher arn = ARN.matcher(label);
            if (!arn.matches()) {
                throw invalid("agentRuntimeArn", "agentRuntimeArn: " + label
                        + " (expected: arn:aws:bedrock-agentcore:<region>:<12-digit account>:runtime/<runtime id>)");
            }
            if (!arn.group(2).equals(identity.region()) || !arn.group(3).equals(identity.accountId())) {
                throw ApiException.notFound("No agent runtime " + label + " here: this Hearth serves region "
                        + identity.region() + ", account " + identity.accountId());
            }
            return arn.group(4);
        }
        if (!RUNTIME_ID.matcher(label).matches()) {
            throw invalid("agentRuntimeArn", "agentRuntimeArn: " + label
                    + " (expected: a runtime ARN, or a runtime id <name>-<10 letters or digits> with accountId)");
        }
        String account = accountId.orElseThrow(() -> invalid("accountId",
                "accountId: missing (expected: 12 digits when agentRuntimeArn is a runtime id)"));
        if (!ACCOUNT.matcher(account).matches()) {
            throw invalid("accountId", "accountId: " + account + " (expected: 12 digits)");
        }
        if (!account.equals(identity.accountId())) {
            throw ApiException.notFound("No agent runtime " + label + " in account " + account
                    + ": this Hearth serves account " + identity.accountId());
        }
        return label;
    }

    private static ApiException invalid(String field, String message) {
        return ApiException.validation(message, new FieldError(field, message));
    }
}
