package io.hearth.tests.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hearth.api.Json;
import io.hearth.auth.AccessKey;
import io.hearth.testing.AccessKeys;
import io.hearth.testing.Agents;
import io.hearth.testing.HearthExtension;
import io.hearth.testing.Invoker;
import io.hearth.testing.Signed;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/** The trace view follows the sessions API's tenancy, and names a session that started from a warm pool. */
class TraceViewAccessTest {
    @RegisterExtension
    static final HearthExtension hearth = new HearthExtension();

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void anotherTenantSeesNoTracesOfTheRootTenantsSessionAndAMissingRuntimeIdIsRefused() throws Exception {
        Agents.Runtime runtime = hearth.agents().pythonCounter();
        String session = Invoker.newSessionId();
        new Invoker(hearth.clients().data(), runtime.arn()).count(session);
        await().atMost(Duration.ofSeconds(5)).until(() -> TraceViews.traces(TraceViews.of(hearth, runtime.id(), session)).size() == 1);

        AccessKey other = AccessKeys.create(hearth.endpoint(), Optional.of("111122223333"));
        var theirs = get(other, "/hearth/v1/sessions/" + session + "/traces?runtimeId=" + runtime.id());
        assertThat(theirs.statusCode()).isEqualTo(200);
        assertThat(Json.tree(theirs.body()).path("traces").isEmpty()).isTrue();

        var noRuntime = HTTP.send(Signed.get(hearth.endpoint().resolve("/hearth/v1/sessions/" + session + "/traces")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(noRuntime.statusCode()).isEqualTo(400);
        assertThat(noRuntime.headers().firstValue("x-amzn-ErrorType").orElseThrow()).startsWith("ValidationException");
        assertThat(Json.tree(noRuntime.body()).path("message").asString()).contains("runtimeId");
    }

    @Test
    void aSessionFromAWarmPoolShowsItsClaim() {
        Agents.Runtime runtime = hearth.agents().deploy("examples/python-counter", "PYTHON_3_12", "agent.py", null, Map.of(),
                Map.of("hearth:pool:minIdle", "1", "hearth:pool:predictive", "false"));
        await().atMost(Duration.ofSeconds(30)).until(() -> hearth.server().pools().status().stream()
                .anyMatch(p -> p.runtimeId().equals(runtime.id()) && p.ready() >= 1));
        String session = Invoker.newSessionId();
        new Invoker(hearth.clients().data(), runtime.arn()).count(session);

        JsonNode trace = await().atMost(Duration.ofSeconds(5)).until(() -> TraceViews.traces(TraceViews.of(hearth, runtime.id(), session)),
                t -> t.size() == 1).getFirst();
        assertThat(TraceViews.span(trace, "invoke").orElseThrow().path("attributes").path("hearth.start").asString())
                .isEqualTo("pooled");
        assertThat(TraceViews.names(trace)).contains("pool.claim").doesNotContain("sandbox.start");
    }

    private static HttpResponse<byte[]> get(AccessKey key, String path) throws Exception {
        return HTTP.send(Signed.request(key, "GET", hearth.endpoint().resolve(path), new byte[0]).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }
}
