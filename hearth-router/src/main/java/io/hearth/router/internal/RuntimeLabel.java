package io.hearth.router.internal;

import io.hearth.api.ApiException;
import io.hearth.api.AwsIdentity;
import io.hearth.api.FieldError;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code {agentRuntimeArn}} path label: a full runtime ARN, or a runtime id with {@code accountId} in the
 * query (docs/wire-contract.md §2). Returns the runtime id once the ARN's region is this Hearth's and its account the
 * caller's tenant. Another account reads as a runtime that does not exist: the same 404, the same message.
 */
public final class RuntimeLabel {
    private static final Pattern ARN = Pattern.compile(
            "arn:aws(-[^:]+)?:bedrock-agentcore:([a-z0-9-]+):([0-9]{12}):runtime/([a-zA-Z][a-zA-Z0-9_]{0,99}-[a-zA-Z0-9]{10})");
    private static final Pattern RUNTIME_ID = Pattern.compile("[a-zA-Z][a-zA-Z0-9_]{0,99}-[a-zA-Z0-9]{10}");
    private static final Pattern ACCOUNT = Pattern.compile("[0-9]{12}");

    private RuntimeLabel() {}

    /** For a caller of the server's own account. */
    public static String runtimeId(String label, Optional<String> accountId, AwsIdentity identity) {
        return runtimeId(label, accountId, identity, identity.accountId());
    }

    public static String runtimeId(String label, Optional<String> accountId, AwsIdentity identity, String tenant) {
        if (label.startsWith("arn:")) {
            ParsedArn arn = PARSED.get(label);
            if (arn == null) {
                arn = parse(label);
            }
            if (!arn.region().equals(identity.region())) {
                throw ApiException.notFound("No agent runtime " + label + " here: this Hearth serves region "
                        + identity.region());
            }
            if (!arn.account().equals(tenant)) {
                throw unknown(arn.runtimeId());
            }
            return arn.runtimeId();
        }
        if (!VALID_IDS.containsKey(label)) {
            if (!RUNTIME_ID.matcher(label).matches()) {
                throw invalid("agentRuntimeArn", "agentRuntimeArn: " + label
                        + " (expected: a runtime ARN, or a runtime id <name>-<10 letters or digits> with accountId)");
            }
            remember(VALID_IDS, label, label);
        }
        String account = accountId.orElseThrow(() -> invalid("accountId",
                "accountId: missing (expected: 12 digits when agentRuntimeArn is a runtime id)"));
        if (!ACCOUNT.matcher(account).matches()) {
            throw invalid("accountId", "accountId: " + account + " (expected: 12 digits)");
        }
        if (!account.equals(tenant)) {
            throw unknown(label);
        }
        return label;
    }

    /** The parts of a well-formed runtime ARN. */
    private record ParsedArn(String region, String account, String runtimeId) {}

    /**
     * Well-formed labels already seen, so a warm caller's label is matched against the patterns once, not on every
     * request; bounded (beyond it the cache starts again), and only well-formed labels enter.
     */
    private static final int MAX_REMEMBERED = 4_096;
    private static final ConcurrentHashMap<String, ParsedArn> PARSED = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<String, String> VALID_IDS = new ConcurrentHashMap<>();

    private static ParsedArn parse(String label) {
        Matcher arn = ARN.matcher(label);
        if (!arn.matches()) {
            throw invalid("agentRuntimeArn", "agentRuntimeArn: " + label
                    + " (expected: arn:aws:bedrock-agentcore:<region>:<12-digit account>:runtime/<runtime id>)");
        }
        var parsed = new ParsedArn(arn.group(2), arn.group(3), arn.group(4));
        remember(PARSED, label, parsed);
        return parsed;
    }

    private static <V> void remember(ConcurrentHashMap<String, V> cache, String label, V value) {
        if (cache.size() >= MAX_REMEMBERED) {
            cache.clear();
        }
        cache.put(label, value);
    }

    /** Exactly what the control plane answers for a runtime id it does not know. */
    private static ApiException unknown(String runtimeId) {
        return ApiException.notFound("Agent runtime " + runtimeId + " not found");
    }

    private static ApiException invalid(String field, String message) {
        return ApiException.validation(message, new FieldError(field, message));
    }
}
