package io.hearth.tests.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hearth.router.tracing.TracingSettings;
import io.hearth.testing.Agents;
import io.hearth.testing.HearthExtension;
import io.hearth.testing.Invoker;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.SdkBytes;
import tools.jackson.databind.JsonNode;

/** With a collector configured, every invocation's spans reach it over OTLP/HTTP, protobuf-encoded by default. */
class OtlpExportTest {
    private static final OtlpReceiver receiver = OtlpReceiver.start();

    @RegisterExtension
    static final HearthExtension hearth = new HearthExtension(config ->
            config.withTracing(TracingSettings.DEFAULT.withOtlpEndpoint(receiver.endpoint())));

    @AfterAll
    static void stopReceiver() {
        receiver.close();
    }

    @Test
    void anInvocationsSpansReachTheCollector() {
        Agents.Runtime runtime = hearth.agents().pythonCounter();
        String session = Invoker.newSessionId();
        String trace = "0af7651916cd43dd8448eb211c80319c";
        hearth.clients().data().invokeAgentRuntimeAsBytes(r -> r.agentRuntimeArn(runtime.arn()).runtimeSessionId(session)
                .traceParent("00-" + trace + "-b7ad6b7169203331-01").payload(SdkBytes.fromUtf8String("{}")));

        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.spans().stream()
                .filter(s -> s.path("traceId").asString().equals(trace)).count() >= 5);
        List<JsonNode> spans = receiver.spans().stream().filter(s -> s.path("traceId").asString().equals(trace)).toList();
        assertThat(spans).extracting(s -> s.path("name").asString())
                .contains("invoke", "route", "session.open", "sandbox.start", "agent.call", "stream");
        JsonNode root = spans.stream().filter(s -> s.path("name").asString().equals("invoke")).findFirst().orElseThrow();
        assertThat(root.path("parentSpanId").asString()).isEqualTo("b7ad6b7169203331");
        assertThat(root.path("kind").asInt()).isEqualTo(2);
        assertThat(Long.parseLong(root.path("endTimeUnixNano").asString()))
                .isGreaterThanOrEqualTo(Long.parseLong(root.path("startTimeUnixNano").asString()));
        assertThat(attribute(root, "hearth.session.id")).isEqualTo(session);
        assertThat(attribute(root, "hearth.runtime.id")).isEqualTo(runtime.id());
        assertThat(root.path("status").path("code").asInt()).isEqualTo(1);
        assertThat(receiver.contentTypes()).as("OTLP's default encoding").allMatch(t -> t.equals("application/x-protobuf"));
        JsonNode resource = receiver.requests().getFirst().path("resourceSpans").get(0).path("resource");
        assertThat(resource.path("attributes").get(0).path("key").asString()).isEqualTo("service.name");
        assertThat(resource.path("attributes").get(0).path("value").path("stringValue").asString()).isEqualTo("hearth");

        // The trace view keeps it too.
        assertThat(TraceViews.traces(TraceViews.of(hearth, runtime.id(), session)))
                .extracting(t -> t.path("traceId").asString()).containsExactly(trace);
    }

    private static String attribute(JsonNode span, String key) {
        for (JsonNode attribute : span.path("attributes")) {
            if (attribute.path("key").asString().equals(key)) {
                return attribute.path("value").path("stringValue").asString();
            }
        }
        return null;
    }
}
