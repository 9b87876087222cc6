package io.hearth.tests.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hearth.api.Json;
import io.hearth.launcher.AgentLogSettings;
import io.hearth.session.SessionInfo;
import io.hearth.testing.AccessKeys;
import io.hearth.testing.Agents;
import io.hearth.testing.HearthExtension;
import io.hearth.testing.Invoker;
import io.hearth.testing.Signed;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * Agents' logs on the server: rotated at their size cap, deleted once an ended session's retention has passed, and
 * the logs API's refusals, in the AWS error shape.
 */
class SessionLogsTest {
    private static final long CAP = 64 * 1024;

    @RegisterExtension
    static final HearthExtension hearth = new HearthExtension(c -> c.withAgentLogs(AgentLogSettings.DEFAULT
            .withMaxFileBytes(CAP).withRetention(Duration.ofSeconds(1)).withSweepInterval(Duration.ofMillis(200))));

    private static Agents.Runtime runtime;
    private static Cli cli;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void deploy() {
        runtime = hearth.agents().deploy(CliCommandsTest.AGENT, "PYTHON_3_12", "agent.py", null, Map.of(), Map.of());
        cli = new Cli(hearth.endpoint());
    }

    @Test
    void aLogPastItsCapIsRotatedAndTheTwoFilesStayWithinIt() throws Exception {
        String session = Invoker.newSessionId();
        JsonNode logged = new Invoker(hearth.clients().data(), runtime.arn()).invoke(session, "{\"do\":\"log\",\"bytes\":1048576}");
        int lines = logged.path("lines").asInt();
        Path log = Path.of(info(session).logFile());
        Path rotated = AgentLogSettings.rotated(log);

        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(rotated) && Files.size(log) <= CAP);
        assertThat(Files.size(rotated)).isLessThanOrEqualTo(CAP);
        String last = String.format("line %08d %s%n", lines - 1, "x".repeat(100));
        assertThat(Files.readString(rotated)).endsWith(last);

        // What the logs API gives is what is kept: the rotated file, then the live one; the oldest lines are gone.
        var all = cli.run("logs", session, "--runtime", runtime.id());
        assertThat(all.exit()).as(all.err()).isZero();
        assertThat((long) all.out().length()).isLessThanOrEqualTo(2 * CAP);
        assertThat(all.out()).endsWith(last).doesNotContain("agent started").doesNotContain("line 00000000 ");
        assertThat(cli.run("logs", session, "--runtime", runtime.id(), "--tail", "2").out())
                .isEqualTo(String.format("line %08d %s%n", lines - 2, "x".repeat(100)) + last);
    }

    @Test
    void anEndedSessionsLogIsDeletedOnceItsRetentionHasPassedAndALiveOnesIsKept() throws Exception {
        var invoker = new Invoker(hearth.clients().data(), runtime.arn());
        String ended = Invoker.newSessionId();
        String live = Invoker.newSessionId();
        invoker.invoke(ended, "{\"do\":\"say\",\"line\":\"soon gone\"}");
        invoker.invoke(live, "{\"do\":\"say\",\"line\":\"kept\"}");
        Path endedLog = Path.of(info(ended).logFile());
        Path liveLog = Path.of(info(live).logFile());
        assertThat(endedLog).exists();

        assertThat(cli.run("sessions", "stop", ended, "--runtime", runtime.id()).exit()).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(endedLog));
        // Past the retention too, but its sandbox still runs: kept, and still written to.
        Thread.sleep(1_500);
        assertThat(liveLog).exists();
        assertThat(Files.readString(liveLog)).isEqualTo("agent started\nkept\n");
        var gone = cli.run("logs", ended, "--runtime", runtime.id());
        assertThat(gone.exit()).as(gone.err()).isZero();
        assertThat(gone.out()).isEmpty();
        invoker.stop(live);
    }

    @Test
    void theLogsApiRefusesBadInputInTheAwsShapeAndHidesOtherTenantsSessions() throws Exception {
        String session = Invoker.newSessionId();
        new Invoker(hearth.clients().data(), runtime.arn()).invoke(session, "{}");
        URI base = hearth.endpoint();

        var noRuntime = send(Signed.get(base.resolve("/hearth/v1/sessions/" + session + "/logs")).build());
        assertError(noRuntime, 400, "ValidationException", "runtimeId");
        var badTail = send(Signed.get(base.resolve("/hearth/v1/sessions/" + session + "/logs?runtimeId=" + runtime.id() + "&tail=-1")).build());
        assertError(badTail, 400, "ValidationException", "tail: -1");
        var badFollow = send(Signed.get(base.resolve("/hearth/v1/sessions/" + session + "/logs?runtimeId=" + runtime.id() + "&follow=yes")).build());
        assertError(badFollow, 400, "ValidationException", "follow: yes");
        var unknown = send(Signed.get(base.resolve("/hearth/v1/sessions/no-such-session/logs?runtimeId=" + runtime.id())).build());
        assertError(unknown, 404, "ResourceNotFoundException", "no-such-session");

        var ok = send(Signed.get(base.resolve("/hearth/v1/sessions/" + session + "/logs?runtimeId=" + runtime.id())).build());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
        assertThat(ok.body()).isEqualTo("agent started\n");

        // Another tenant's key: the session reads as one that does not exist.
        var key = AccessKeys.create(base, Optional.of("111111111111"));
        var other = send(Signed.request(key, "GET", base.resolve("/hearth/v1/sessions/" + session + "/logs?runtimeId=" + runtime.id()),
                new byte[0]).build());
        assertError(other, 404, "ResourceNotFoundException", session);
        var tenantCli = new Cli(base, Map.of("HEARTH_ACCESS_KEY_ID", key.id(), "HEARTH_SECRET_ACCESS_KEY", key.secret()));
        assertThat(tenantCli.run("logs", session, "--runtime", runtime.id()).exit()).isEqualTo(3);
    }

    private HttpResponse<String> send(java.net.http.HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static void assertError(HttpResponse<String> response, int status, String type, String mentions) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("x-amzn-ErrorType").orElseThrow()).startsWith(type);
        JsonNode body = Json.tree(response.body().getBytes(StandardCharsets.UTF_8));
        assertThat(body.path("__type").asString()).endsWith(type);
        assertThat(body.path("message").asString()).contains(mentions);
    }

    private static SessionInfo info(String session) {
        return hearth.server().sessions().find(s -> s.sessionId().equals(session)).orElseThrow();
    }
}
