package io.hearth.cli;

import io.hearth.cli.internal.Deployer;
import io.hearth.cli.internal.HearthClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "deploy", mixinStandardHelpOptions = true,
        description = {"Deploy a directory of agent code as an agent runtime (a new version if it exists).",
                "Reaches the server named by HEARTH_ENDPOINT (default http://127.0.0.1:8080)."})
final class DeployCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "The agent's code directory.")
    Path dir;

    @Option(names = "--name", required = true, description = "Runtime name: [a-zA-Z][a-zA-Z0-9_]{0,47}.")
    String name;

    @Option(names = "--runtime", defaultValue = "PYTHON_3_12",
            description = "PYTHON_3_10..PYTHON_3_14 or NODE_22. Default: ${DEFAULT-VALUE}. Other languages: a hearth.json manifest.")
    String runtime;

    @Option(names = "--entry", required = true, arity = "1..2", description = "Entry point file(s), relative to the directory.")
    List<String> entry = new ArrayList<>();

    @Override
    public Integer call() {
        try {
            new Deployer(HearthClient.fromEnvironment(ServerOptions.defaultDataDir()), System.out).deploy(dir, name, runtime, entry);
            return 0;
        } catch (IllegalArgumentException e) {
            throw new CliProblem(e.getMessage());
        } catch (java.io.UncheckedIOException e) {
            throw new CliProblem(e.getMessage() + ": " + e.getCause().getMessage()
                    + " (expected: a readable directory of agent code)");
        }
    }
}
