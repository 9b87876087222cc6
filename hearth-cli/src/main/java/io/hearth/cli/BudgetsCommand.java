package io.hearth.cli;

import io.hearth.cli.internal.HearthClient;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code hearth budgets ...}: per-principal session budgets. */
@Command(name = "budgets", mixinStandardHelpOptions = true,
        description = {"Per-principal session budgets of the server named by HEARTH_ENDPOINT (default"
                + " http://127.0.0.1:8080): each session a principal opens gets, for each kind, the smaller of its"
                + " runtime's budget and the principal's.",
                "A principal is an access key id, or jwt:<issuer> <subject>.",
                "Signs with HEARTH_ACCESS_KEY_ID/HEARTH_SECRET_ACCESS_KEY, else <data-dir>/credentials."},
        subcommands = {BudgetsCommand.Set.class, BudgetsCommand.Get.class, BudgetsCommand.List.class,
                BudgetsCommand.Remove.class})
final class BudgetsCommand {
    private static final String KINDS = "wallClockSeconds cpuSeconds invocations streamedBytes";

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = {"Set a principal's budget; it replaces the earlier one whole (kinds not named have no ceiling).",
                    "Sessions that start after it get it; kept across restarts."})
    static final class Set extends AdminApiWork {
        @Parameters(index = "0", paramLabel = "PRINCIPAL", description = "An access key id, or jwt:<issuer> <subject>.")
        String principal;

        @Option(names = "--wall-clock-seconds", paramLabel = "N", description = "Seconds a session may live.")
        Long wallClockSeconds;

        @Option(names = "--cpu-seconds", paramLabel = "N", description = "CPU seconds a session's sandbox may use.")
        Long cpuSeconds;

        @Option(names = "--invocations", paramLabel = "N", description = "Requests a session may take.")
        Long invocations;

        @Option(names = "--streamed-bytes", paramLabel = "N", description = "Bytes of answers a session may stream.")
        Long streamedBytes;

        @Override
        JsonNode run(HearthClient client) {
            var budget = new LinkedHashMap<String, Object>();
            put(budget, "wallClockSeconds", "--wall-clock-seconds", wallClockSeconds);
            put(budget, "cpuSeconds", "--cpu-seconds", cpuSeconds);
            put(budget, "invocations", "--invocations", invocations);
            put(budget, "streamedBytes", "--streamed-bytes", streamedBytes);
            if (budget.isEmpty()) {
                throw new CliProblem("no budget given (expected: at least one of --wall-clock-seconds, --cpu-seconds,"
                        + " --invocations, --streamed-bytes)");
            }
            return client.principalBudgets("PUT", Optional.of(principal), budget);
        }

        private static void put(Map<String, Object> budget, String name, String flag, Long value) {
            if (value == null) {
                return;
            }
            if (value < 1) {
                throw new CliProblem(flag + ": " + value + " (expected: a whole number from 1)");
            }
            budget.put(name, value);
        }

        @Override
        String table(JsonNode answer) {
            return header() + row(answer);
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show a principal's budget.")
    static final class Get extends AdminApiWork {
        @Parameters(index = "0", paramLabel = "PRINCIPAL", description = "An access key id, or jwt:<issuer> <subject>.")
        String principal;

        @Override
        JsonNode run(HearthClient client) {
            return client.principalBudgets("GET", Optional.of(principal), Map.of());
        }

        @Override
        String table(JsonNode answer) {
            return header() + row(answer);
        }
    }

    @Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true,
            description = "List the budgets the caller may manage: every one for the server's account, else its own keys'.")
    static final class List extends AdminApiWork {
        @Override
        JsonNode run(HearthClient client) {
            return client.principalBudgets("GET", Optional.empty(), Map.of());
        }

        @Override
        String table(JsonNode answer) {
            var out = new StringBuilder(header());
            answer.path("principalBudgets").forEach(b -> out.append(row(b)));
            return out.toString();
        }
    }

    @Command(name = "rm", mixinStandardHelpOptions = true,
            description = "Remove a principal's budget: sessions that start after it have the runtime's alone.")
    static final class Remove extends AdminApiWork {
        @Parameters(index = "0", paramLabel = "PRINCIPAL", description = "An access key id, or jwt:<issuer> <subject>.")
        String principal;

        @Override
        JsonNode run(HearthClient client) {
            return client.principalBudgets("DELETE", Optional.of(principal), Map.of());
        }

        @Override
        String table(JsonNode answer) {
            return "removed the budget of " + principal + "\n";
        }
    }

    private static String header() {
        return String.format("%-24s %-18s %-12s %-12s %s%n", "PRINCIPAL", "WALL CLOCK (S)", "CPU (S)", "INVOCATIONS",
                "STREAMED BYTES");
    }

    private static String row(JsonNode budget) {
        var values = new java.util.ArrayList<String>();
        for (String kind : KINDS.split(" ")) {
            values.add(budget.has(kind) ? budget.path(kind).asString() : "-");
        }
        return String.format("%-24s %-18s %-12s %-12s %s%n", budget.path("principal").asString(), values.get(0),
                values.get(1), values.get(2), values.get(3));
    }
}
