package io.hearth.cli;

import io.hearth.cli.internal.HearthClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code hearth} command. What a user can put right ends in one line, {@code hearth: <what was wrong>
 * (expected: <what>)}, and a non-zero exit; an unexpected error prints one line and where its trace went, or the
 * trace itself with {@code --verbose} or {@code HEARTH_DEBUG=1}.
 */
@Command(
        name = "hearth",
        mixinStandardHelpOptions = true,
        version = "hearth 0.1.0",
        description = "A self-hosted runtime for AI agents, wire-compatible with Amazon Bedrock AgentCore Runtime.",
        subcommands = {ServerCommand.class, UpCommand.class, DeployCommand.class, PoolCommand.class, KeysCommand.class, QuotasCommand.class,
                BudgetsCommand.class, RuntimesCommand.class, InvokeCommand.class, SessionsCommand.class, LogsCommand.class, TracesCommand.class, CompletionCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "The ./hearth launcher also runs: setup [up|server|test] (host packages, as root), test, bench."})
public final class Main implements Runnable {
    static final int PROBLEM = 1;
    static final int USAGE = 2;
    /** What the user named (a runtime, a session) does not exist. */
    static final int NOT_FOUND = 3;

    @Spec
    CommandSpec spec;

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "On an unexpected error, print its stack trace (as HEARTH_DEBUG=1 does).")
    boolean verbose;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        return new CommandLine(new Main())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setParameterExceptionHandler(Main::badArguments)
                .setExecutionExceptionHandler(Main::failed)
                .execute(args);
    }

    /** {@code hearth} alone: what it can do. */
    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    private static int badArguments(ParameterException e, String[] args) {
        String help = "./" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help";
        String expected = e instanceof UnmatchedArgumentException unmatched && !unmatched.getSuggestions().isEmpty()
                ? "perhaps " + String.join(" or ", unmatched.getSuggestions()) + "; see " + help
                : "what " + help + " lists";
        System.err.println("hearth: " + e.getMessage() + " (expected: " + expected + ")");
        return USAGE;
    }

    private static int failed(Exception e, CommandLine command, ParseResult parsed) {
        if (e instanceof CliNotFound) {
            System.err.println("hearth: " + e.getMessage());
            return NOT_FOUND;
        }
        if (e instanceof CliProblem || e instanceof HearthClient.HearthClientException) {
            System.err.println("hearth: " + e.getMessage());
            return PROBLEM;
        }
        if (verbose(parsed)) {
            e.printStackTrace();
            System.err.println("hearth: unexpected error: " + e);
            return PROBLEM;
        }
        System.err.println("hearth: unexpected error: " + e + " (" + keepTrace(e, parsed)
                + "; --verbose or HEARTH_DEBUG=1 prints it here)");
        return PROBLEM;
    }

    private static boolean verbose(ParseResult parsed) {
        if ("1".equals(System.getenv("HEARTH_DEBUG"))) {
            return true;
        }
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    /** Appends the trace to the CLI's error log; says where it went, or that it could not be kept. */
    private static String keepTrace(Exception e, ParseResult parsed) {
        var trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        String entry = Instant.now() + " hearth " + String.join(" ", parsed.originalArgs()) + "\n" + trace + "\n";
        for (Path log : List.of(ServerOptions.defaultDataDir().resolve("logs/cli-errors.log"),
                Path.of(System.getProperty("java.io.tmpdir"), "hearth-cli-errors.log"))) {
            try {
                Files.createDirectories(log.getParent());
                Files.writeString(log, entry, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                return "full trace in " + log;
            } catch (IOException | SecurityException ignored) {
                // try the next place
            }
        }
        return "its trace could not be written anywhere";
    }
}
