package io.hearth.cli;

import io.hearth.cli.internal.HearthClient;
import java.util.Optional;
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

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a key; its secret is shown this once.")
    static final class Create extends AdminApiWork {
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
    static final class List extends AdminApiWork {
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
    abstract static class Single extends AdminApiWork {
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
