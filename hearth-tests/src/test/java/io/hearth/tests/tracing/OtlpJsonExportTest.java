package io.hearth.tests.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hearth.router.tracing.TracingSettings;
import io.hearth.testing.Agents;
import io.hearth.testing.HearthExtension;
import io.hearth.testing.Invoker;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * Configured as OpenTelemetry SDKs are, from {@code OTEL_*} variables: OTLP/HTTP with the JSON encoding, to the
 * traces URL, under the service name given.
 */
class OtlpJsonExportTest {
    private static final OtlpReceiver receiver = OtlpReceiver.start();

    @RegisterExtension
    static final HearthExtension hearth = new HearthExtension(config -> config.withTracing(TracingSettings.fromEnvironment(Map.of(
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", receiver.endpoint() + "/v1/traces",
            "OTEL_EXPORTER_OTLP_PROTOCOL", "http/json",
            "OTEL_SERVICE_NAME", "hearth-edge"))));

    @AfterAll
    static void stopReceiver() {
        receiver.close();
    }

    @Test
    void spansArriveJsonEncodedUnderTheConfiguredServiceName() {
        Agents.Runtime runtime = hearth.agents().pythonCounter();
        String session = Invoker.newSessionId();
        new Invoker(hearth.clients().data(), runtime.arn()).count(session);

        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.spans().stream()
                .anyMatch(s -> s.path("name").asString().equals("invoke")));
        assertThat(receiver.contentTypes()).allMatch(t -> t.equals("application/json"));
        JsonNode resource = receiver.requests().getFirst().path("resourceSpans").get(0).path("resource");
        assertThat(resource.path("attributes").get(0).path("value").path("stringValue").asString()).isEqualTo("hearth-edge");
        assertThat(receiver.spans()).extracting(s -> s.path("name").asString()).contains("invoke", "sandbox.start", "agent.call");
    }
}
