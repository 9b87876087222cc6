package io.hearth.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code hearth} command. */
@Command(
        name = "hearth",
        mixinStandardHelpOptions = true,
        version = "hearth 0.1.0",
        description = "A self-hosted runtime for AI agents, wire-compatible with Amazon Bedrock AgentCore Runtime.",
        subcommands = {ServerCommand.class, UpCommand.class, DeployCommand.class, PoolCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {
    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    }
}
