package io.hearth.tests.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hearth.api.Json;
import io.hearth.testing.Agents;
import io.hearth.testing.HearthExtension;
import io.hearth.testing.Invoker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * {@code hearth runtimes}, {@code invoke}, {@code sessions}, {@code logs} and {@code completion} against a real server
 * with a real agent, each command in a JVM of its own.
 */
class CliCommandsTest {
    @RegisterExtension
    static final HearthExtension hearth = new HearthExtension();

    static final String AGENT = "hearth-tests/src/test/resources/agents/cli";
    private static Agents.Runtime runtime;
    private static String name;
    private static Cli cli;

    @BeforeAll
    static void deploy() {
        runtime = hearth.agents().deploy(AGENT, "PYTHON_3_12", "agent.py", null, Map.of(), Map.of());
        name = runtime.id().substring(0, runtime.id().lastIndexOf('-'));
        cli = new Cli(hearth.endpoint());
    }

    @Test
    void runtimesListsGetsAndShowsVersionsAndEndpointsAsTablesAndJson() throws Exception {
        var table = cli.run("runtimes");
        assertThat(table.exit()).as(table.err()).isZero();
        assertThat(table.out().lines().findFirst().orElseThrow()).matches("NAME +ID +VERSION +STATUS +UPDATED");
        String row = table.out().lines().filter(l -> l.contains(runtime.id())).findFirst().orElseThrow();
        assertThat(row).startsWith(name + " ").contains(" READY ");
        // Columns line up: every row's ID starts where the header's does.
        assertThat(row.indexOf(runtime.id())).isEqualTo(table.out().indexOf("ID"));

        JsonNode listed = json(cli.run("runtimes", "--json"));
        assertThat(listed.path("agentRuntimes").valueStream().map(r -> r.path("agentRuntimeId").asString()))
                .contains(runtime.id());

        for (String ref : List.of(runtime.id(), runtime.arn(), name)) {
            var got = cli.run("runtimes", "get", ref);
            assertThat(got.exit()).as(got.err()).isZero();
            assertThat(got.out()).contains("id:           " + runtime.id()).contains("arn:          " + runtime.arn())
                    .contains("status:       READY");
        }
        assertThat(json(cli.run("runtimes", "get", runtime.id(), "--json")).path("agentRuntimeArn").asString())
                .isEqualTo(runtime.arn());

        var versions = cli.run("runtimes", "versions", runtime.id());
        assertThat(versions.out()).startsWith("VERSION").contains("\n1 ");
        assertThat(json(cli.run("runtimes", "versions", runtime.id(), "--json")).path("agentRuntimes").get(0)
                .path("agentRuntimeVersion").asString()).isEqualTo("1");

        var endpoints = cli.run("runtimes", "endpoints", runtime.id());
        assertThat(endpoints.out()).startsWith("NAME").containsPattern("\nDEFAULT +READY +1 ");
        assertThat(json(cli.run("runtimes", "endpoints", runtime.id(), "--json")).path("runtimeEndpoints").get(0)
                .path("name").asString()).isEqualTo("DEFAULT");
    }

    @Test
    void anUnknownRuntimeExitsWithThreeAndAMissingArgumentWithTwo() throws Exception {
        for (var args : List.of(List.of("runtimes", "get", "nothing_here-abcdefghij"), List.of("runtimes", "versions", "no_such_name"),
                List.of("invoke", "nothing_here-abcdefghij", "{}"), List.of("sessions", "stop", "s", "--runtime", "no_such_name"),
                List.of("logs", "s", "--runtime", "no_such_name"))) {
            var result = cli.run(args.toArray(String[]::new));
            assertThat(result.exit()).as(args + ": " + result.err()).isEqualTo(3);
            Cli.assertOneLineProblem(result, "hearth: runtime ");
            assertThat(result.err()).contains(": not found (expected: ");
        }
        var session = cli.run("logs", "no-such-session-" + UUID.randomUUID(), "--runtime", runtime.id());
        assertThat(session.exit()).isEqualTo(3);
        Cli.assertOneLineProblem(session, "hearth: session no-such-session-");

        var usage = cli.run("logs", "some-session");
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.err()).contains("--runtime").contains("(expected: ");
        assertThat(cli.run("sessions", "--state", "sleeping").exit()).isEqualTo(2);
        assertThat(cli.run("invoke", runtime.id(), "{}", "--session", "short").exit()).isEqualTo(2);
    }

    @Test
    void invokePrintsAnAnswerAsTheAgentWroteItFromAnArgumentAFileOrStandardInput() throws Exception {
        var first = cli.run("invoke", runtime.id(), "{}");
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).isEqualTo("{\"count\": 1}");
        assertThat(first.err()).matches("session: hearth-cli-[0-9a-f-]{36}\n");

        String session = Invoker.newSessionId();
        assertThat(cli.run("invoke", name, "{}", "--session", session).out()).isEqualTo("{\"count\": 1}");
        Path payload = Files.createTempFile("hearth-payload-", ".json");
        try {
            Files.writeString(payload, "{}");
            var fromFile = cli.run("invoke", runtime.arn(), "--file", payload.toString(), "--session", session, "--qualifier", "DEFAULT");
            assertThat(fromFile.out()).isEqualTo("{\"count\": 2}");
            assertThat(fromFile.err()).isEmpty();
        } finally {
            Files.delete(payload);
        }
        var fromStdin = cli.run("{}".getBytes(StandardCharsets.UTF_8), "invoke", runtime.id(), "-", "--session", session);
        assertThat(fromStdin.out()).isEqualTo("{\"count\": 3}");
        var piped = cli.run("{}".getBytes(StandardCharsets.UTF_8), "invoke", runtime.id(), "--session", session);
        assertThat(piped.out()).isEqualTo("{\"count\": 4}");
    }

    @Test
    void invokePrintsEachStreamedEventTheMomentItArrives() throws Exception {
        String session = Invoker.newSessionId();
        var invoker = new Invoker(hearth.clients().data(), runtime.arn());
        invoker.invoke(session, "{}"); // the sandbox is up, so the stream's start is not a cold start
        var streaming = cli.start("invoke", runtime.id(), "{\"do\":\"stream\"}", "--session", session);
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> streaming.out().toString().contains("first "));
            // The agent holds its second event until released: what arrived so far is on the terminal already.
            Thread.sleep(300);
            assertThat(streaming.out().toString()).isEqualTo("first ");
            assertThat(streaming.process().isAlive()).isTrue();
            invoker.invoke(session, "{\"do\":\"release\"}");
            assertThat(streaming.exit()).as(streaming.err().toString()).isZero();
            assertThat(streaming.out().toString()).isEqualTo("first second\n");
        } finally {
            streaming.stop();
        }
    }

    @Test
    void sessionsListsLiveAndEndedSessionsAndStopEndsOne() throws Exception {
        String session = Invoker.newSessionId();
        new Invoker(hearth.clients().data(), runtime.arn()).invoke(session, "{}");

        JsonNode live = json(cli.run("sessions", "--runtime", runtime.id(), "--state", "live", "--json"));
        JsonNode mine = find(live, session);
        assertThat(mine.path("runtimeId").asString()).isEqualTo(runtime.id());
        assertThat(mine.path("isolation").asString()).isEqualTo(HearthExtension.isolation());

        var table = cli.run("sessions", "--runtime", name);
        assertThat(table.exit()).as(table.err()).isZero();
        assertThat(table.out().lines().findFirst().orElseThrow())
                .matches("SESSION +RUNTIME +STATE +AGE +IDLE +ISOLATION +CPU +MEMORY +ENDED");
        boolean measured = !HearthExtension.isolation().equals("process"); // the process driver has no cgroups
        assertThat(table.out()).containsPattern("(?m)" + session + " +" + runtime.id() + " +IDLE +\\d+s +\\d+s +"
                + HearthExtension.isolation() + " +" + (measured ? "\\d+\\.\\d\\ds +\\d+\\.\\d MiB" : "- +-") + " +-$");
        if (measured) {
            assertThat(mine.path("cpuSeconds").asDouble()).isPositive();
            assertThat(mine.path("memoryBytes").asLong()).isPositive();
        }

        var stopped = cli.run("sessions", "stop", session, "--runtime", runtime.id());
        assertThat(stopped.exit()).as(stopped.err()).isZero();
        assertThat(stopped.out()).isEqualTo("stopped session " + session + " of " + runtime.id() + "\n");
        var again = cli.run("sessions", "stop", session, "--runtime", runtime.id());
        assertThat(again.exit()).isEqualTo(3);
        Cli.assertOneLineProblem(again, "hearth: session " + session + " of " + runtime.id() + ": no live session");

        JsonNode ended = json(cli.run("sessions", "--runtime", runtime.id(), "--state", "ended", "--json"));
        assertThat(find(ended, session).path("endedAt").isMissingNode()).isFalse();
        assertThat(json(cli.run("sessions", "--runtime", runtime.id(), "--state", "live", "--json")).path("sessions")
                .valueStream().map(s -> s.path("sessionId").asString())).doesNotContain(session);
    }

    @Test
    void logsFollowPrintsALineTheAgentWritesAfterItStartedAndEndsWithTheSession() throws Exception {
        String session = Invoker.newSessionId();
        var invoker = new Invoker(hearth.clients().data(), runtime.arn());
        invoker.invoke(session, "{\"do\":\"say\",\"line\":\"before the follow\"}");

        var all = cli.run("logs", session, "--runtime", runtime.id());
        assertThat(all.exit()).as(all.err()).isZero();
        assertThat(all.out()).isEqualTo("agent started\nbefore the follow\n");
        assertThat(cli.run("logs", session, "--runtime", runtime.id(), "--tail", "1").out()).isEqualTo("before the follow\n");

        var follow = cli.start("logs", session, "--runtime", runtime.id(), "--follow", "--tail", "1");
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> follow.out().toString().equals("before the follow\n"));
            String later = "written after the follow began " + UUID.randomUUID();
            invoker.invoke(session, "{\"do\":\"say\",\"line\":\"" + later + "\"}");
            await().atMost(Duration.ofSeconds(10)).until(() -> follow.out().toString().contains(later));
            assertThat(follow.process().isAlive()).isTrue();

            assertThat(cli.run("sessions", "stop", session, "--runtime", runtime.id()).exit()).isZero();
            assertThat(follow.exit()).as(follow.err().toString()).isZero();
            assertThat(follow.out().toString()).isEqualTo("before the follow\n" + later + "\n");
        } finally {
            follow.stop();
        }
        // An ended session's log stays readable until its retention passes.
        assertThat(cli.run("logs", session, "--runtime", runtime.id(), "--tail", "2").out()).startsWith("before the follow\n");
    }

    @Test
    void completionPrintsABashScriptThatCompletesTheCommands() throws Exception {
        var completion = cli.run("completion", "bash");
        assertThat(completion.exit()).as(completion.err()).isZero();
        assertThat(completion.out()).contains("_complete_hearth").contains("runtimes").contains("invoke").contains("sessions")
                .contains("logs").contains("--follow");
        Path script = Files.writeString(Files.createTempFile("hearth-completion-", ".bash"), completion.out());
        try {
            // What bash does on TAB: the completion function with the words typed so far.
            String complete = "source " + script + " && complete -p ./hearth >/dev/null && "
                    + "COMP_WORDS=(./hearth %s); COMP_CWORD=%d; COMP_LINE='./hearth %s'; COMP_POINT=${#COMP_LINE}; "
                    + "_complete_hearth 2>/dev/null; printf '%%s\\n' \"${COMPREPLY[@]}\"";
            assertThat(bash(String.format(complete, "run", 1, "run"))).isEqualTo("runtimes\n");
            assertThat(bash(String.format(complete, "logs --fo", 2, "logs --fo"))).isEqualTo("--follow\n");
            assertThat(bash(String.format(complete, "sessions --state ''", 3, "sessions --state "))).isEqualTo("live\nended\n");
        } finally {
            Files.delete(script);
        }
    }

    private static String bash(String script) throws Exception {
        var process = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(out).isZero();
        return out;
    }

    private static JsonNode json(Cli.Result result) {
        assertThat(result.exit()).as(result.err()).isZero();
        return Json.tree(result.out().getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode find(JsonNode answer, String session) {
        return answer.path("sessions").valueStream().filter(s -> s.path("sessionId").asString().equals(session))
                .findFirst().orElseThrow(() -> new AssertionError("no session " + session + " in " + answer));
    }
}
