package io.hearth.cli;

import io.hearth.cli.internal.HearthClient;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/** {@code hearth quotas ...}: the server's quotas, and each tenant's own limits. */
@Command(name = "quotas", mixinStandardHelpOptions = true,
        description = {"Quotas of the server named by HEARTH_ENDPOINT (default http://127.0.0.1:8080), and each tenant's"
                + " own limits (for callers of the server's account).",
                "Signs with HEARTH_ACCESS_KEY_ID/HEARTH_SECRET_ACCESS_KEY, else <data-dir>/credentials."},
        subcommands = {QuotasCommand.Show.class, QuotasCommand.Set.class, QuotasCommand.Remove.class})
final class QuotasCommand {
    private static final String ACCOUNT = "\\d{12}";

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show the node's quotas and every tenant's sessions, or with --tenant that tenant's limits.")
    static final class Show extends AdminApiWork {
        @Option(names = "--tenant", paramLabel = "ACCOUNT", description = "The 12-digit account whose limits to show.")
        String tenant;

        @Override
        JsonNode run(HearthClient client) {
            if (tenant == null) {
                return client.quotas();
            }
            return client.tenantQuotas(account(tenant));
        }

        @Override
        String table(JsonNode answer) {
            return tenant == null ? node(answer) : limits(answer);
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = {"Set a tenant's own limits; those not named keep their value. 0 refuses everything of that kind.",
                    "Applied at once and kept across restarts."})
    static final class Set extends AdminApiWork {
        @Option(names = "--tenant", required = true, paramLabel = "ACCOUNT", description = "The 12-digit account.")
        String tenant;

        @Option(names = "--max-active-sessions", paramLabel = "N", description = "Live sessions the tenant may hold.")
        Integer activeSessions;

        @Option(names = "--max-agents", paramLabel = "N", description = "Agent runtimes the tenant may have.")
        Integer agents;

        @Option(names = "--max-versions-per-agent", paramLabel = "N", description = "Versions each of its agent runtimes may have.")
        Integer versionsPerAgent;

        @Option(names = "--max-endpoints-per-agent", paramLabel = "N", description = "Endpoints each of its agent runtimes may have.")
        Integer endpointsPerAgent;

        @Option(names = "--max-invocations-per-second", paramLabel = "N",
                description = "InvokeAgentRuntime calls per second across all the tenant's endpoints.")
        Integer invocationsPerSecond;

        @Override
        JsonNode run(HearthClient client) {
            var limits = new LinkedHashMap<String, Object>();
            put(limits, "maxActiveSessions", "--max-active-sessions", activeSessions);
            put(limits, "maxAgents", "--max-agents", agents);
            put(limits, "maxVersionsPerAgent", "--max-versions-per-agent", versionsPerAgent);
            put(limits, "maxEndpointsPerAgent", "--max-endpoints-per-agent", endpointsPerAgent);
            put(limits, "maxInvocationsPerSecond", "--max-invocations-per-second", invocationsPerSecond);
            if (limits.isEmpty()) {
                throw new CliProblem("no limit given (expected: at least one of --max-active-sessions, --max-agents,"
                        + " --max-versions-per-agent, --max-endpoints-per-agent, --max-invocations-per-second)");
            }
            return client.setTenantQuotas(account(tenant), limits);
        }

        private static void put(Map<String, Object> limits, String name, String flag, Integer value) {
            if (value == null) {
                return;
            }
            if (value < 0) {
                throw new CliProblem(flag + ": " + value + " (expected: a whole number, 0 or more)");
            }
            limits.put(name, value);
        }

        @Override
        String table(JsonNode answer) {
            return limits(answer);
        }
    }

    @Command(name = "rm", mixinStandardHelpOptions = true,
            description = "Remove a tenant's own limits: the server's apply to it again, at once.")
    static final class Remove extends AdminApiWork {
        @Option(names = "--tenant", required = true, paramLabel = "ACCOUNT", description = "The 12-digit account.")
        String tenant;

        @Override
        JsonNode run(HearthClient client) {
            return client.removeTenantQuotas(account(tenant));
        }

        @Override
        String table(JsonNode answer) {
            return "removed the own limits of " + tenant + "\n";
        }
    }

    private static String account(String tenant) {
        if (!tenant.matches(ACCOUNT)) {
            throw new CliProblem("--tenant: " + tenant + " (expected: a 12-digit account id)");
        }
        return tenant;
    }

    /** One tenant: each limit, the value that applies, and whether it is the tenant's own. */
    private static String limits(JsonNode answer) {
        var out = new StringBuilder("account " + answer.path("tenant").asString() + "\n");
        out.append(String.format("%-26s %-12s %s%n", "LIMIT", "VALUE", "SOURCE"));
        for (var field : answer.path("effective").properties()) {
            boolean own = answer.path("own").has(field.getKey());
            out.append(String.format("%-26s %-12s %s%n", field.getKey(), field.getValue().asString(), own ? "tenant" : "server"));
        }
        return out.toString();
    }

    /** The node's caps, then each tenant's sessions against its limit. */
    private static String node(JsonNode answer) {
        JsonNode node = answer.path("node");
        var out = new StringBuilder();
        out.append("live sandboxes:  ").append(node.path("liveSandboxes").asString())
                .append(node.has("maxSandboxes") ? " of at most " + node.path("maxSandboxes").asString() : "").append('\n');
        out.append("cold starts:     ").append(node.path("coldStartsRunning").asString()).append(" running, ")
                .append(node.path("coldStartsWaiting").asString()).append(" waiting, at most ")
                .append(node.path("maxColdStarts").asString()).append(" at once\n\n");
        out.append(String.format("%-14s %-10s %-12s %s%n", "ACCOUNT", "SESSIONS", "MAX", "OWN LIMITS"));
        for (JsonNode t : answer.path("tenants")) {
            var own = new StringBuilder();
            for (var field : t.path("own").properties()) {
                own.append(own.isEmpty() ? "" : ", ").append(field.getKey()).append('=').append(field.getValue().asString());
            }
            out.append(String.format("%-14s %-10s %-12s %s%n", t.path("tenant").asString(), t.path("activeSessions").asString(),
                    t.path("maxActiveSessions").asString(), own.isEmpty() ? "-" : own));
        }
        return out.toString();
    }
}
