package io.hearth.cli;

import io.hearth.cli.internal.HearthClient;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code hearth pool ...}: warm pools of the server named by {@code HEARTH_ENDPOINT}. */
@Command(name = "pool", mixinStandardHelpOptions = true,
        description = {"Warm pools: sandboxes started ahead of need, per runtime endpoint.",
                "Reaches the server named by HEARTH_ENDPOINT (default http://127.0.0.1:8080)."},
        subcommands = {PoolCommand.Warm.class, PoolCommand.Set.class, PoolCommand.Show.class, PoolCommand.Remove.class})
final class PoolCommand {

    @Command(name = "warm", mixinStandardHelpOptions = true,
            description = "Keep COUNT sandboxes ready for a while; unclaimed extras are released when it ends.")
    static final class Warm implements Callable<Integer> {
        @Parameters(index = "0", description = "The agent runtime id, e.g. my_agent-a1b2c3d4e5.")
        String runtime;

        @Parameters(index = "1", description = "How many sandboxes to keep ready.")
        int count;

        @Option(names = "--qualifier", defaultValue = "DEFAULT", description = "Endpoint name. Default: ${DEFAULT-VALUE}.")
        String qualifier;

        @Option(names = "--for", defaultValue = "20m", description = "How long, e.g. 90s, 20m, 2h. Default: ${DEFAULT-VALUE}.")
        String window;

        @Override
        public Integer call() {
            return run(client -> print(client.warmPool(runtime, qualifier, count, duration(window).toSeconds())));
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true, description = "Configure an endpoint's pool (kept across restarts).")
    static final class Set implements Callable<Integer> {
        @Parameters(index = "0", description = "The agent runtime id.")
        String runtime;

        @Option(names = "--qualifier", defaultValue = "DEFAULT", description = "Endpoint name. Default: ${DEFAULT-VALUE}.")
        String qualifier;

        @Option(names = "--min", defaultValue = "0", description = "Always keep this many ready. Default: ${DEFAULT-VALUE}.")
        int minIdle;

        @Option(names = "--max", description = "Upper bound for predictive sizing. Default: max(--min, 1).")
        Integer maxIdle;

        @Option(names = "--max-age", defaultValue = "1h", description = "Replace unclaimed sandboxes older than this. Default: ${DEFAULT-VALUE}.")
        String maxAge;

        @Option(names = "--no-predictive", description = "Do not size from the recent arrival rate of new sessions.")
        boolean noPredictive;

        @Option(names = "--schedule", description = "Recurring pre-warm 'CRON|SIZE|DURATION' in UTC, e.g. '55 8 * * MON-FRI|50|20m'. Repeatable.")
        List<String> schedules = new ArrayList<>();

        @Override
        public Integer call() {
            var config = new LinkedHashMap<String, Object>();
            config.put("minIdle", minIdle);
            config.put("maxIdle", maxIdle == null ? Math.max(minIdle, 1) : maxIdle);
            config.put("maxIdleAgeSeconds", duration(maxAge).toSeconds());
            config.put("predictive", !noPredictive);
            var parsed = new ArrayList<Map<String, Object>>();
            for (String schedule : schedules) {
                String[] parts = schedule.split("\\|");
                if (parts.length != 3 || !parts[1].trim().matches("\\d{1,9}")) {
                    throw new CliProblem("--schedule " + schedule + " (expected: 'CRON|SIZE|DURATION', e.g. '55 8 * * MON-FRI|50|20m')");
                }
                parsed.add(Map.of("cron", parts[0].trim(), "size", Integer.parseInt(parts[1].trim()),
                        "durationSeconds", duration(parts[2].trim()).toSeconds()));
            }
            config.put("schedules", parsed);
            return run(client -> print(client.setPool(runtime, qualifier, config)));
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Every pool: ready, starting, target and why.")
    static final class Show implements Callable<Integer> {
        @Override
        public Integer call() {
            return run(client -> {
                JsonNode all = client.pools();
                System.out.printf("%d of at most %d sandboxes pooled%n", all.path("pooled").asInt(), all.path("maxPooled").asInt());
                for (JsonNode pool : all.path("pools")) {
                    print(pool);
                }
            });
        }
    }

    @Command(name = "rm", mixinStandardHelpOptions = true, description = "Remove an endpoint's configured pool.")
    static final class Remove implements Callable<Integer> {
        @Parameters(index = "0", description = "The agent runtime id.")
        String runtime;

        @Option(names = "--qualifier", defaultValue = "DEFAULT", description = "Endpoint name. Default: ${DEFAULT-VALUE}.")
        String qualifier;

        @Override
        public Integer call() {
            return run(client -> System.out.println(client.removePool(runtime, qualifier).path("removed").asBoolean()
                    ? "removed" : "no pool was configured there"));
        }
    }

    private static void print(JsonNode pool) {
        System.out.printf("%s/%s  source %s  version %s  ready %d  starting %d  target %d (%s)  hits %d  misses %d%n",
                pool.path("runtimeId").asString(), pool.path("endpointName").asString(), pool.path("source").asString("-"),
                pool.path("version").asString("-"),
                pool.path("ready").asInt(), pool.path("starting").asInt(), pool.path("desired").asInt(),
                pool.path("reason").asString(), pool.path("hits").asLong(), pool.path("misses").asLong());
    }

    /** {@code 90s}, {@code 20m}, {@code 2h}, {@code 1d}, or an ISO-8601 duration. */
    static Duration duration(String text) {
        try {
            if (text.matches("\\d+[smhd]")) {
                long n = Long.parseLong(text.substring(0, text.length() - 1));
                return switch (text.charAt(text.length() - 1)) {
                    case 's' -> Duration.ofSeconds(n);
                    case 'm' -> Duration.ofMinutes(n);
                    case 'h' -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            }
            return Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw new CliProblem("duration: " + text + " (expected: e.g. 90s, 20m, 2h or PT20M)");
        }
    }

    private interface ClientWork {
        void run(HearthClient client);
    }

    private static int run(ClientWork work) {
        try {
            work.run(HearthClient.fromEnvironment(ServerOptions.defaultDataDir()));
            return 0;
        } catch (IllegalArgumentException e) {
            throw new CliProblem(e.getMessage());
        }
    }
}
