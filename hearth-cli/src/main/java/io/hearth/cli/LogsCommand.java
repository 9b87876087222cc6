package io.hearth.cli;

import io.hearth.cli.internal.HearthClient;
import java.io.IOException;
import java.io.InputStream;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hearth logs SESSION --runtime RUNTIME [--follow] [--tail N]}: what a session's agent wrote. */
@Command(name = "logs", mixinStandardHelpOptions = true,
        description = {"Print what a session's agent wrote to stdout and stderr; with --follow, keep printing what it writes"
                + " until the session ends (or Ctrl-C).",
                "Exit codes: 0 ok, 1 the server refused or could not be reached, 2 bad usage, 3 no such runtime or session."})
final class LogsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Parameters(index = "0", paramLabel = "SESSION", description = "The session id.")
    String session;

    @Option(names = "--runtime", required = true, paramLabel = "RUNTIME", description = "The session's runtime: its id, ARN or name.")
    String runtime;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new lines until the session ends.")
    boolean follow;

    @Option(names = "--tail", paramLabel = "N", description = "Only the last N lines (then, with --follow, what comes).")
    Long tail;

    @Override
    public Integer call() {
        if (tail != null && tail < 0) {
            throw new ParameterException(spec.commandLine(), "--tail: " + tail + " (expected: 0 or more lines)");
        }
        HearthClient client = connection.client();
        String runtimeId = RuntimeRef.idOf(client, runtime);
        var answer = notFoundIs3(() -> client.logs(runtimeId, session, follow,
                tail == null ? OptionalLong.empty() : OptionalLong.of(tail)));
        try (InputStream in = answer.body()) {
            byte[] chunk = new byte[16 * 1024];
            for (int n; (n = in.read(chunk)) >= 0; ) {
                System.out.write(chunk, 0, n);
                System.out.flush();
            }
        } catch (IOException e) {
            throw new CliProblem("the log broke off: " + e.getMessage() + " (expected: the log to its end)");
        }
        return 0;
    }

    private <T> T notFoundIs3(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (HearthClient.HearthClientException e) {
            if (e.status() == 404) {
                throw new CliNotFound("session " + session + " of runtime " + runtime + ": not found (expected: a session"
                        + " that ./hearth sessions --runtime " + runtime + " lists)");
            }
            throw e;
        }
    }
}
