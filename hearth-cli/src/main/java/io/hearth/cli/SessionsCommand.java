package io.hearth.cli;

import io.hearth.cli.internal.HearthClient;
import io.hearth.cli.internal.Table;
import io.hearth.cli.internal.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code hearth sessions [stop]}: live and recently ended sessions, and StopRuntimeSession. */
@Command(name = "sessions", mixinStandardHelpOptions = true,
        description = {"List the sessions of the caller's account (every account's for the server's own key): live ones and"
                + " those recently ended, with their state, age, idle time, isolation and, where the server measures them,"
                + " CPU time and memory.",
                "Exit codes: 0 ok, 1 the server refused or could not be reached, 2 bad usage, 3 no such runtime."},
        subcommands = SessionsCommand.Stop.class)
final class SessionsCommand implements Callable<Integer> {
    enum State { live, ended }

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--json", description = "Print the server's JSON answer instead of a table.")
    boolean json;

    @Option(names = "--runtime", paramLabel = "RUNTIME", description = "Only this runtime's sessions (its id, ARN or name).")
    String runtime;

    @Option(names = "--state", paramLabel = "STATE", description = "Only live or only ended sessions: ${COMPLETION-CANDIDATES}.")
    State state;

    @Override
    public Integer call() {
        HearthClient client = connection.client();
        Optional<String> runtimeId = Optional.ofNullable(runtime).map(r -> RuntimeRef.idOf(client, r));
        JsonNode answer = client.sessions(runtimeId, Optional.ofNullable(state).map(Enum::name));
        if (json) {
            JsonOut.print(answer);
            return 0;
        }
        Instant now = Instant.now();
        var table = new Table("SESSION", "RUNTIME", "STATE", "AGE", "IDLE", "ISOLATION", "CPU", "MEMORY", "ENDED");
        for (JsonNode s : answer.path("sessions")) {
            Optional<Instant> ended = Times.of(s.path("endedAt"));
            Instant until = ended.orElse(now);
            String age = Times.of(s.path("createdAt")).map(c -> Times.span(Duration.between(c, until))).orElse("-");
            String idle = ended.isPresent() || s.path("inFlight").asInt(0) > 0 ? "-"
                    : Times.of(s.path("lastActivityAt")).map(a -> Times.span(Duration.between(a, now))).orElse("-");
            table.row(s.path("sessionId").asString("-"), s.path("runtimeId").asString("-"), s.path("state").asString("-"),
                    age, idle, s.path("isolation").asString("-"), cpu(s), memory(s),
                    ended.isPresent() ? s.path("endReason").asString("yes") : "-");
        }
        System.out.print(table);
        return 0;
    }

    private static String cpu(JsonNode s) {
        JsonNode cpu = s.path("cpuSeconds");
        return cpu.isNumber() ? String.format("%.2fs", cpu.asDouble()) : "-";
    }

    private static String memory(JsonNode s) {
        JsonNode bytes = s.path("memoryBytes");
        if (!bytes.isNumber()) {
            return "-";
        }
        double mib = bytes.asLong() / (1024.0 * 1024.0);
        return mib >= 1024 ? String.format("%.1f GiB", mib / 1024) : String.format("%.1f MiB", mib);
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = {"End a session now (StopRuntimeSession): its sandbox stops and its slot is freed.",
                    "Exit codes: 0 stopped, 1 the server refused or could not be reached, 2 bad usage, 3 no such runtime or no such live"
                            + " session."})
    static final class Stop implements Callable<Integer> {
        @Mixin
        ConnectionOptions connection;

        @Parameters(index = "0", paramLabel = "SESSION", description = "The session id.")
        String session;

        @Option(names = "--runtime", required = true, paramLabel = "RUNTIME", description = "The session's runtime: its id, ARN or name.")
        String runtime;

        @Option(names = "--qualifier", defaultValue = "DEFAULT", description = "The endpoint. Default: ${DEFAULT-VALUE}.")
        String qualifier;

        @Override
        public Integer call() {
            HearthClient client = connection.client();
            RuntimeRef ref = RuntimeRef.resolve(client, runtime);
            try {
                client.stopSession(ref.id(), ref.accountId(), qualifier, session);
            } catch (HearthClient.HearthClientException e) {
                if (e.status() == 404) {
                    throw new CliNotFound("session " + session + " of " + ref.id() + ": no live session (expected: one that"
                            + " ./hearth sessions --state live lists)");
                }
                throw e;
            }
            System.out.println("stopped session " + session + " of " + ref.id());
            return 0;
        }
    }
}
