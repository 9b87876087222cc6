package io.hearth.cli;

import io.hearth.cli.internal.HearthClient;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * A runtime as the user named it (its id, its ARN or its name), found on the server.
 *
 * @param id        the agent runtime id
 * @param accountId the account that owns it (the data plane's {@code accountId})
 * @param runtime   GetAgentRuntime's answer
 */
record RuntimeRef(String id, String accountId, JsonNode runtime) {
    static final Pattern ID = Pattern.compile("[a-zA-Z][a-zA-Z0-9_]{0,47}-[a-zA-Z0-9]{10}");
    private static final Pattern ARN = Pattern.compile("arn:aws[a-z-]*:bedrock-agentcore:[^:]*:(\\d{12}):runtime/([^/:]+)");
    private static final Pattern NAME = Pattern.compile("[a-zA-Z][a-zA-Z0-9_]{0,47}");

    /** @throws CliNotFound when the server has no such runtime (or none the caller may see) */
    static RuntimeRef resolve(HearthClient client, String given) {
        String id = idOf(client, given);
        JsonNode found;
        try {
            found = client.getRuntime(id);
        } catch (HearthClient.HearthClientException e) {
            if (e.status() == 404) {
                throw notFound(given);
            }
            throw e;
        }
        Matcher arn = ARN.matcher(found.path("agentRuntimeArn").asString(""));
        if (!arn.matches()) {
            throw new CliProblem("runtime " + given + ": the server gave no ARN (expected: agentRuntimeArn in GetAgentRuntime's answer)");
        }
        return new RuntimeRef(id, arn.group(1), found);
    }

    /** The id in what the user gave, without asking the server when it is an id or an ARN. */
    static String idOf(HearthClient client, String given) {
        Matcher arn = ARN.matcher(given);
        if (arn.matches()) {
            return arn.group(2);
        }
        if (ID.matcher(given).matches()) {
            return given;
        }
        if (NAME.matcher(given).matches()) {
            Optional<JsonNode> named = client.findRuntimeByName(given);
            return named.map(r -> r.path("agentRuntimeId").asString())
                    .orElseThrow(() -> notFound(given));
        }
        throw new CliProblem("runtime: " + given + " (expected: a runtime id such as my_agent-a1b2c3d4e5, its ARN, or its name)");
    }

    static CliNotFound notFound(String given) {
        return new CliNotFound("runtime " + given + ": not found (expected: a runtime id, ARN or name that ./hearth runtimes lists)");
    }
}
