package io.hearth.api;

import static java.util.Objects.requireNonNull;

import java.util.regex.Pattern;

/** The region and account Hearth presents itself as in every ARN it mints. */
public record AwsIdentity(String region, String accountId) {
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-[0-9]+");
    private static final Pattern ACCOUNT = Pattern.compile("[0-9]{12}");

    public static final AwsIdentity DEFAULT = new AwsIdentity("us-east-1", "000000000000");

    public AwsIdentity {
        requireNonNull(region, "region");
        requireNonNull(accountId, "accountId");
        if (!REGION.matcher(region).matches()) {
            throw new IllegalArgumentException("region: " + region + " (expected: an AWS region name such as us-east-1)");
        }
        if (!ACCOUNT.matcher(accountId).matches()) {
            throw new IllegalArgumentException("accountId: " + accountId + " (expected: 12 digits)");
        }
    }

    public String runtimeArn(String runtimeId) {
        return "arn:aws:bedrock-agentcore:" + region + ":" + accountId + ":runtime/" + runtimeId;
    }

    public String endpointArn(String runtimeId, String endpointName) {
        return runtimeArn(runtimeId) + "/runtime-endpoint/" + endpointName;
    }

    public String workloadIdentityArn(String runtimeName) {
        return "arn:aws:bedrock-agentcore:" + region + ":" + accountId
                + ":workload-identity-directory/default/workload-identity/" + runtimeName;
    }
}
