package io.hearth.cli;

import io.hearth.api.Json;
import io.hearth.cli.internal.HearthClient;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code hearth keys ...}: the access keys requests are signed with. */
@Command(name = "keys", mixinStandardHelpOptions = true,
        description = {"Access keys (SigV4) of the server named by HEARTH_ENDPOINT (default http://127.0.0.1:8080).",
                "Signs with HEARTH_ACCESS_KEY_ID/HEARTH_SECRET_ACCESS_KEY, else <data-dir>/credentials."},
        subcommands = {KeysCommand.Create.class, KeysCommand.List.class, KeysCommand.Disable.class,
                KeysCommand.Enable.class, KeysCommand.Remove.class})
final class KeysCommand {

    /** What every keys subcommand takes. */
    abstract static class KeysWork implements Callable<Integer> {
        @Option(names = "--data-dir", description = "Where the server's credentials file is. Default: $HEARTH_DATA_DIR or ~/.hearth.")
        Path dataDir;

        @Option(names = "--json", description = "Print the server's JSON answer instead of a table.")
        boolean json;

        abstract JsonNode run(HearthClient client);

        abstract String table(JsonNode answer);

        @Override
        public Integer call() {
            JsonNode answer;
            try {
                answer = run(HearthClient.fromEnvironment(dataDir != null ? dataDir : ServerOptions.defaultDataDir()));
            } catch (IllegalArgumentException e) {
                throw new CliProblem(e.getMessage());
            }
            System.out.print(json ? new String(Json.write(answer), java.nio.charset.StandardCharsets.UTF_8) + "\n" : table(answer));
            return 0;
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a key; its secret is shown this once.")
    static final class Create extends KeysWork {
        @Option(names = "--description", defaultValue = "", description = "What the key is for.")
        String description;

        @Option(names = "--tenant", paramLabel = "ACCOUNT",
                description = "The 12-digit account the key belongs to, which it creates and sees runtimes in. "
                        + "Default: the server's account.")
        String tenant;

        @Override
        JsonNode run(HearthClient client) {
            if (tenant != null && !tenant.matches("\\d{12}")) {
                throw new CliProblem("--tenant: " + tenant + " (expected: a 12-digit account id)");
            }
            return client.createKey(description, Optional.ofNullable(tenant));
        }

        @Override
        String table(JsonNode key) {
            return "access key id:     " + key.path("accessKeyId").asString() + "\n"
                    + "secret access key: " + key.path("secretAccessKey").asString() + "\n"
                    + "account:           " + key.path("tenant").asString() + "\n"
                    + "(the secret is shown only now; keep it)\n";
        }
    }

    @Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true, description = "List keys (never their secrets).")
    static final class List extends KeysWork {
        @Override
        JsonNode run(HearthClient client) {
            return client.keys();
        }

        @Override
        String table(JsonNode answer) {
            var out = new StringBuilder(String.format("%-22s %-12s %-8s %-27s %s%n", "ID", "ACCOUNT", "STATE", "CREATED", "DESCRIPTION"));
            for (JsonNode key : answer.path("accessKeys")) {
                out.append(row(key));
            }
            return out.toString();
        }
    }

    @Command(name = "disable", mixinStandardHelpOptions = true, description = "Disable a key: it stops working at once.")
    static final class Disable extends Single {
        Disable() {
            super(id -> client -> client.setKeyEnabled(id, false));
        }
    }

    @Command(name = "enable", mixinStandardHelpOptions = true, description = "Enable a disabled key again.")
    static final class Enable extends Single {
        Enable() {
            super(id -> client -> client.setKeyEnabled(id, true));
        }
    }

    @Command(name = "rm", mixinStandardHelpOptions = true, description = "Delete a key for good.")
    static final class Remove extends Single {
        Remove() {
            super(id -> client -> client.deleteKey(id));
        }

        @Override
        String table(JsonNode answer) {
            return "deleted " + id + "\n";
        }
    }

    /** A subcommand about one key. */
    abstract static class Single extends KeysWork {
        @Parameters(index = "0", description = "The access key id.")
        String id;

        private final Function<String, Function<HearthClient, JsonNode>> work;

        Single(Function<String, Function<HearthClient, JsonNode>> work) {
            this.work = work;
        }

        @Override
        JsonNode run(HearthClient client) {
            return work.apply(id).apply(client);
        }

        @Override
        String table(JsonNode key) {
            return row(key);
        }
    }

    private static String row(JsonNode key) {
        return String.format("%-22s %-12s %-8s %-27s %s%n", key.path("accessKeyId").asString(), key.path("tenant").asString(),
                key.path("enabled").asBoolean() ? "enabled" : "disabled", key.path("createdAt").asString(),
                key.path("description").asString(""));
    }
}
