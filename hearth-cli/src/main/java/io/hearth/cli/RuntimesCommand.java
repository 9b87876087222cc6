package io.hearth.cli;

import io.hearth.cli.internal.HearthClient;
import io.hearth.cli.internal.Table;
import io.hearth.cli.internal.Times;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code hearth runtimes [get|versions|endpoints]}: the agent runtimes the caller's account has, through the control plane. */
@Command(name = "runtimes", mixinStandardHelpOptions = true,
        description = {"List the agent runtimes of the caller's account (ListAgentRuntimes), or with a subcommand show one.",
                "Exit codes: 0 ok, 1 the server refused or could not be reached, 2 bad usage, 3 no such runtime."},
        subcommands = {RuntimesCommand.Get.class, RuntimesCommand.Versions.class, RuntimesCommand.Endpoints.class})
final class RuntimesCommand implements Callable<Integer> {
    @Mixin
    ConnectionOptions connection;

    @Option(names = "--json", description = "Print JSON (the server's shapes, every page) instead of a table.")
    boolean json;

    @Override
    public Integer call() {
        List<JsonNode> runtimes = connection.client().runtimes();
        if (json) {
            JsonOut.print(Map.of("agentRuntimes", runtimes));
            return 0;
        }
        var table = new Table("NAME", "ID", "VERSION", "STATUS", "UPDATED");
        for (JsonNode r : runtimes) {
            table.row(r.path("agentRuntimeName").asString("-"), r.path("agentRuntimeId").asString("-"),
                    r.path("agentRuntimeVersion").asString("-"), r.path("status").asString("-"), Times.instant(r.path("lastUpdatedAt")));
        }
        System.out.print(table);
        return 0;
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show one agent runtime (GetAgentRuntime).")
    static final class Get implements Callable<Integer> {
        @Mixin
        ConnectionOptions connection;

        @Option(names = "--json", description = "Print the server's JSON answer.")
        boolean json;

        @Parameters(index = "0", paramLabel = "RUNTIME", description = "The runtime's id, ARN or name.")
        String runtime;

        @Override
        public Integer call() {
            JsonNode r = RuntimeRef.resolve(connection.client(), runtime).runtime();
            if (json) {
                JsonOut.print(r);
                return 0;
            }
            var out = new StringBuilder();
            line(out, "name", r.path("agentRuntimeName").asString("-"));
            line(out, "id", r.path("agentRuntimeId").asString("-"));
            line(out, "arn", r.path("agentRuntimeArn").asString("-"));
            line(out, "version", r.path("agentRuntimeVersion").asString("-"));
            line(out, "status", r.path("status").asString("-"));
            if (r.hasNonNull("failureReason")) {
                line(out, "failure", r.path("failureReason").asString());
            }
            line(out, "protocol", r.path("protocolConfiguration").path("serverProtocol").asString("HTTP"));
            line(out, "network", r.path("networkConfiguration").path("networkMode").asString("-"));
            line(out, "role", r.path("roleArn").asString("-"));
            JsonNode lifecycle = r.path("lifecycleConfiguration");
            if (!lifecycle.isMissingNode()) {
                line(out, "idle timeout", lifecycle.path("idleRuntimeSessionTimeout").asString("-") + " s");
                line(out, "max lifetime", lifecycle.path("maxLifetime").asString("-") + " s");
            }
            if (r.hasNonNull("description")) {
                line(out, "description", r.path("description").asString());
            }
            line(out, "created", Times.instant(r.path("createdAt")));
            line(out, "updated", Times.instant(r.path("lastUpdatedAt")));
            System.out.print(out);
            return 0;
        }

        private static void line(StringBuilder out, String name, String value) {
            out.append(String.format("%-13s %s%n", name + ":", value));
        }
    }

    @Command(name = "versions", mixinStandardHelpOptions = true,
            description = "List the versions of an agent runtime (ListAgentRuntimeVersions).")
    static final class Versions implements Callable<Integer> {
        @Mixin
        ConnectionOptions connection;

        @Option(names = "--json", description = "Print JSON (the server's shape, every page) instead of a table.")
        boolean json;

        @Parameters(index = "0", paramLabel = "RUNTIME", description = "The runtime's id, ARN or name.")
        String runtime;

        @Override
        public Integer call() {
            HearthClient client = connection.client();
            List<JsonNode> versions = client.runtimeVersions(RuntimeRef.resolve(client, runtime).id());
            if (json) {
                JsonOut.print(Map.of("agentRuntimes", versions));
                return 0;
            }
            var table = new Table("VERSION", "STATUS", "UPDATED", "DESCRIPTION");
            for (JsonNode v : versions) {
                table.row(v.path("agentRuntimeVersion").asString("-"), v.path("status").asString("-"),
                        Times.instant(v.path("lastUpdatedAt")), v.path("description").asString(""));
            }
            System.out.print(table);
            return 0;
        }
    }

    @Command(name = "endpoints", mixinStandardHelpOptions = true,
            description = "List the endpoints of an agent runtime (ListAgentRuntimeEndpoints).")
    static final class Endpoints implements Callable<Integer> {
        @Mixin
        ConnectionOptions connection;

        @Option(names = "--json", description = "Print JSON (the server's shape, every page) instead of a table.")
        boolean json;

        @Parameters(index = "0", paramLabel = "RUNTIME", description = "The runtime's id, ARN or name.")
        String runtime;

        @Override
        public Integer call() {
            HearthClient client = connection.client();
            List<JsonNode> endpoints = client.runtimeEndpoints(RuntimeRef.resolve(client, runtime).id());
            if (json) {
                JsonOut.print(Map.of("runtimeEndpoints", endpoints));
                return 0;
            }
            var table = new Table("NAME", "STATUS", "LIVE", "TARGET", "UPDATED");
            for (JsonNode e : endpoints) {
                table.row(e.path("name").asString("-"), e.path("status").asString("-"), e.path("liveVersion").asString("-"),
                        e.path("targetVersion").asString("-"), Times.instant(e.path("lastUpdatedAt")));
            }
            System.out.print(table);
            return 0;
        }
    }
}
