package io.hearth.cli;

import io.hearth.api.Json;
import io.hearth.cli.internal.HearthClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/**
 * A subcommand that makes one signed call to a running server's admin API and prints its answer, as a table or
 * (with {@code --json}) as the server wrote it.
 */
abstract class AdminApiWork implements Callable<Integer> {
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
        System.out.print(json ? new String(Json.write(answer), StandardCharsets.UTF_8) + "\n" : table(answer));
        return 0;
    }
}
