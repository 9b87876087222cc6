package io.hearth.cli;

import io.hearth.cli.internal.CodeBundle;
import io.hearth.cli.internal.Deployer;
import io.hearth.cli.internal.HearthClient;
import io.hearth.cli.internal.Progress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

@Command(name = "deploy", mixinStandardHelpOptions = true,
        description = {"Deploy a directory of agent code, or a container image, as an agent runtime (a new version if it exists).",
                "  hearth deploy DIR --name NAME --entry FILE [--runtime RUNTIME]",
                "  hearth deploy --image URI --name NAME",
                "Progress (packing, upload, the wait for READY) goes to stderr; the runtime's ARN to stdout.",
                "Reaches the server named by HEARTH_ENDPOINT (default http://127.0.0.1:8080)."})
final class DeployCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", description = "The agent's code directory (not with --image).")
    Path dir;

    @Option(names = "--image", paramLabel = "URI",
            description = "A container image the server pulls (registry/repository:tag or @sha256:...), instead of DIR. "
                    + "The pull's progress shows on stderr.")
    String image;

    @Option(names = "--name", required = true, description = "Runtime name: [a-zA-Z][a-zA-Z0-9_]{0,47}.")
    String name;

    @Option(names = "--runtime", defaultValue = "PYTHON_3_12",
            description = "PYTHON_3_10..PYTHON_3_14 or NODE_22. Default: ${DEFAULT-VALUE}. Other languages: a hearth.json manifest.")
    String runtime;

    @Option(names = "--entry", arity = "1..2", description = "Entry point file(s), relative to the directory (with DIR).")
    List<String> entry = new ArrayList<>();

    @Option(names = {"-q", "--quiet"}, description = "No progress: print only the runtime's ARN (or, with --json, the runtime).")
    boolean quiet;

    @Option(names = "--json", description = "Print the READY runtime as GetAgentRuntime answers it, as JSON.")
    boolean json;

    @Override
    public Integer call() {
        var client = HearthClient.fromEnvironment(ServerOptions.defaultDataDir());
        var deployer = new Deployer(client, Progress.stderr(quiet));
        JsonNode ready;
        if (image != null) {
            if (dir != null || !entry.isEmpty()) {
                throw new CliProblem("--image " + image + " with " + (dir != null ? "DIR " + dir : "--entry " + entry)
                        + " (expected: either --image URI, or DIR with --entry: an image brings its own entry point)");
            }
            if (image.isBlank()) {
                throw new CliProblem("--image: '" + image + "' (expected: registry/repository:tag or registry/repository@sha256:<hex>)");
            }
            ready = deployer.deployImage(image, name);
        } else {
            if (dir == null) {
                throw new CliProblem("nothing to deploy (expected: DIR with --entry, or --image URI)");
            }
            if (entry.isEmpty()) {
                throw new CliProblem("DIR " + dir + " without --entry (expected: --entry FILE, the agent's entry point in DIR)");
            }
            try {
                ready = deployer.deploy(dir, name, runtime, entry);
            } catch (CodeBundle.BadDirectory e) {
                // A wrong DIR or --entry is bad usage, and its message already says what was expected.
                System.err.println("hearth: " + e.getMessage());
                return Main.USAGE;
            } catch (java.io.UncheckedIOException e) {
                throw new CliProblem(e.getMessage() + ": " + e.getCause().getMessage()
                        + " (expected: a readable directory of agent code)");
            }
        }
        if (json) {
            JsonOut.print(ready);
        } else {
            System.out.println(ready.path("agentRuntimeArn").asString());
        }
        return 0;
    }
}
