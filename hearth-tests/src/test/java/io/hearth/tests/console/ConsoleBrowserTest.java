package io.hearth.tests.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hearth.testing.Agents;
import io.hearth.testing.HearthExtension;
import io.hearth.testing.Invoker;
import io.hearth.testing.NodeScripts;
import io.hearth.testing.Signed;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The web console at {@code /console} in a real headless Chromium (Debian's, driven by playwright-core): sign-in with
 * the root key, the runtime list, a streamed invocation in the playground, the session, its log, Stop. And what the
 * console must never do: hold a credential in its files, or reach the API unsigned.
 */
class ConsoleBrowserTest {
    @RegisterExtension
    static final HearthExtension hearth = new HearthExtension();

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final List<String> FILES = List.of("/console/", "/console/index.html", "/console/console.js",
            "/console/console.css", "/console/icon.svg");

    static Agents.Runtime counter;

    @BeforeAll
    static void deploy() {
        counter = hearth.agents().pythonCounter();
    }

    @Test
    void aPersonSignsInInvokesWatchesTheStreamAndTheLogAndStopsTheSession() {
        NodeScripts.assumeReady();
        assumeTrue(Files.isExecutable(CHROMIUM), "/usr/bin/chromium is missing: ./hearth setup test installs it");
        Path screenshots = HearthExtension.repoRoot().resolve("hearth-tests/target/console-screenshots");
        var run = NodeScripts.run("console/console-browser.mjs", Map.of(
                "HEARTH_ENDPOINT", hearth.endpoint().toString(),
                "HEARTH_RUNTIME_ID", counter.id(),
                "HEARTH_SCREENSHOTS", screenshots.toString()), Duration.ofSeconds(180));
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("console: 11 passed, 0 failed");
        assertThat(screenshots.resolve("04-session-stopped.png")).isRegularFile();
    }

    @Test
    void theConsoleFilesAreServedUnsignedWithAStrictPolicyAndHoldNoCredential() throws Exception {
        for (String file : FILES) {
            var response = get(file);
            assertThat(response.statusCode()).as(file).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Security-Policy")).as(file).hasValueSatisfying(csp ->
                    assertThat(csp).contains("default-src 'none'", "script-src 'self'", "connect-src 'self'")
                            .doesNotContain("unsafe", "*"));
            assertThat(response.headers().firstValue("Cache-Control")).as(file).hasValue("no-cache");
            assertThat(response.headers().firstValue("X-Content-Type-Options")).as(file).hasValue("nosniff");
            assertThat(response.body()).as(file)
                    .doesNotContain(Signed.ROOT_KEY.secret())
                    .doesNotContain(Signed.ROOT_KEY.id())
                    .doesNotContainPattern("(?i)aws_secret_access_key|AKIA[0-9A-Z]{16}");
        }
        assertThat(get("/console/console.js").headers().firstValue("Content-Type")).hasValueSatisfying(t ->
                assertThat(t).startsWith("text/javascript"));
        assertThat(get("/console/").headers().firstValue("Content-Type")).hasValueSatisfying(t ->
                assertThat(t).startsWith("text/html"));
        var redirect = get("/console");
        assertThat(redirect.statusCode()).isEqualTo(302);
        assertThat(redirect.headers().firstValue("Location")).hasValue("/console/");
    }

    @Test
    void onlyTheConsolesOwnFilesAreExemptFromSigning() throws Exception {
        for (String path : List.of("/console/credentials", "/console/../metrics", "/metrics", "/hearth/v1/sessions",
                "/console/%2e%2e/metrics")) {
            var response = get(path);
            assertThat(response.statusCode()).as(path).isIn(400, 403);
            assertThat(response.body()).as(path).doesNotContain("hearth_");
        }
        var post = HTTP.send(HttpRequest.newBuilder(hearth.endpoint().resolve("/console/index.html"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(403);
        assertThat(post.headers().firstValue("x-amzn-ErrorType")).isPresent();
    }

    @Test
    void theSessionViewCarriesItsLimitsAndTheMetricsCountInvocationsAndStarts() throws Exception {
        var invoker = new Invoker(hearth.clients().data(), counter.arn());
        String session = Invoker.newSessionId();
        invoker.invoke(session, "{\"prompt\": \"hello\"}");
        invoker.invoke(session, "{\"prompt\": \"again\"}");
        var sessions = HTTP.send(Signed.get(hearth.endpoint().resolve("/hearth/v1/sessions?sessionId=" + session)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(sessions.statusCode()).isEqualTo(200);
        assertThat(sessions.body()).contains("\"idleTimeoutSeconds\":", "\"maxLifetimeSeconds\":", "\"lifetimeEndsAt\":");
        var metrics = HTTP.send(Signed.get(hearth.endpoint().resolve("/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.body()).contains("hearth_invocation_seconds_count{outcome=\"ok\"}",
                "hearth_invocation_seconds{outcome=\"ok\",quantile=\"0.99\"}", "hearth_session_starts_total{start=\"cold\"}");
        assertThat(value(metrics.body(), "hearth_session_starts_total{start=\"cold\"}")).isGreaterThanOrEqualTo(1.0);
        assertThat(value(metrics.body(), "hearth_invocation_seconds_count{outcome=\"ok\"}")).isGreaterThanOrEqualTo(2.0);
        assertThat(value(metrics.body(), "hearth_invocations_total")).isGreaterThanOrEqualTo(2.0);
        assertThat(value(metrics.body(), "hearth_invocation_seconds{outcome=\"ok\",quantile=\"0.5\"}")).isPositive();
        invoker.stop(session);
    }

    private static double value(String metrics, String sample) {
        return metrics.lines().filter(l -> l.startsWith(sample + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .orElseThrow(() -> new AssertionError("no sample " + sample + " in\n" + metrics));
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(hearth.endpoint() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
