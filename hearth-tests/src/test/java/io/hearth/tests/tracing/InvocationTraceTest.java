package io.hearth.tests.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hearth.api.Json;
import io.hearth.testing.Agents;
import io.hearth.testing.HearthExtension;
import io.hearth.testing.Invoker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.SdkBytes;
import tools.jackson.databind.JsonNode;

/**
 * Every invocation is traced: the caller's {@code traceparent} is continued, the agent gets one under the agent
 * call's span, and the session's trace view shows the steps (a sandbox start for a cold call only).
 */
class InvocationTraceTest {
    @RegisterExtension
    static final HearthExtension hearth = new HearthExtension();

    private static final String CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CALLER_SPAN = "00f067aa0ba902b7";

    @Test
    void aCallersTraceIsContinuedThroughHearthToTheAgent() {
        Agents.Runtime runtime = hearth.agents().deploy("hearth-tests/src/test/resources/agents/echo-headers",
                "PYTHON_3_12", "agent.py", null, Map.of(), Map.of());
        String session = Invoker.newSessionId();

        JsonNode cold = invoke(runtime, session, "00-" + CALLER_TRACE + "-" + CALLER_SPAN + "-01", "vendor=abc");
        String agentParent = cold.path("headers").path("traceparent").asString();
        assertThat(agentParent).as("the agent's traceparent continues the caller's trace")
                .startsWith("00-" + CALLER_TRACE + "-").endsWith("-01")
                .isNotEqualTo("00-" + CALLER_TRACE + "-" + CALLER_SPAN + "-01");
        assertThat(cold.path("headers").path("tracestate").asString()).isEqualTo("vendor=abc");
        String agentCallSpan = agentParent.substring(36, 52);

        JsonNode warm = invoke(runtime, session, "00-" + CALLER_TRACE.replace('4', '5') + "-" + CALLER_SPAN + "-01", null);
        assertThat(warm.path("headers").path("traceparent").asString()).startsWith("00-" + CALLER_TRACE.replace('4', '5') + "-");

        JsonNode view = await().atMost(Duration.ofSeconds(5)).until(() -> TraceViews.of(hearth, runtime.id(), session),
                v -> TraceViews.traces(v).size() == 2);
        List<JsonNode> traces = TraceViews.traces(view);

        JsonNode first = traces.get(0);
        assertThat(first.path("traceId").asString()).isEqualTo(CALLER_TRACE);
        JsonNode root = TraceViews.span(first, "invoke").orElseThrow();
        assertThat(root.path("parentSpanId").asString()).isEqualTo(CALLER_SPAN);
        assertThat(root.path("attributes").path("hearth.runtime.id").asString()).isEqualTo(runtime.id());
        assertThat(root.path("attributes").path("hearth.endpoint").asString()).isEqualTo("DEFAULT");
        assertThat(root.path("attributes").path("hearth.session.id").asString()).isEqualTo(session);
        assertThat(root.path("attributes").path("hearth.isolation").asString()).isEqualTo(HearthExtension.isolation());
        assertThat(root.path("attributes").path("hearth.start").asString()).isEqualTo("cold");
        assertThat(root.path("attributes").path("http.response.status_code").asString()).isEqualTo("200");
        assertThat(root.path("attributes").path("aws.request_id").asString()).isNotBlank();
        assertThat(root.path("status").asString()).isEqualTo("OK");
        assertThat(TraceViews.names(first)).contains("invoke", "route", "session.open", "sandbox.start", "agent.call", "stream");
        JsonNode sandboxStart = TraceViews.span(first, "sandbox.start").orElseThrow();
        assertThat(sandboxStart.path("parentSpanId").asString())
                .isEqualTo(TraceViews.span(first, "session.open").orElseThrow().path("spanId").asString());
        JsonNode agentCall = TraceViews.span(first, "agent.call").orElseThrow();
        assertThat(agentCall.path("spanId").asString()).as("the agent's parent is the agent call's span").isEqualTo(agentCallSpan);
        assertThat(agentCall.path("parentSpanId").asString()).isEqualTo(root.path("spanId").asString());
        for (JsonNode span : first.path("spans")) {
            assertThat(span.path("traceId").asString()).isEqualTo(CALLER_TRACE);
            assertThat(span.path("durationNanos").asLong()).isNotNegative();
        }
        assertThat(sandboxStart.path("durationNanos").asLong()).isLessThanOrEqualTo(root.path("durationNanos").asLong());

        JsonNode second = traces.get(1);
        assertThat(TraceViews.names(second)).contains("invoke", "route", "session.open", "agent.call", "stream")
                .doesNotContain("sandbox.start", "pool.claim");
        assertThat(TraceViews.span(second, "invoke").orElseThrow().path("attributes").path("hearth.start").asString())
                .isEqualTo("warm");
    }

    @Test
    void aCallWithoutTraceContextStartsATraceTheAgentJoins() {
        Agents.Runtime runtime = hearth.agents().deploy("hearth-tests/src/test/resources/agents/echo-headers",
                "PYTHON_3_12", "agent.py", null, Map.of(), Map.of());
        String session = Invoker.newSessionId();
        JsonNode answer = invoke(runtime, session, null, null);
        String traceparent = answer.path("headers").path("traceparent").asString();
        assertThat(traceparent).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");

        JsonNode view = await().atMost(Duration.ofSeconds(5)).until(() -> TraceViews.of(hearth, runtime.id(), session),
                v -> TraceViews.traces(v).size() == 1);
        JsonNode trace = TraceViews.traces(view).getFirst();
        assertThat(trace.path("traceId").asString()).isEqualTo(traceparent.substring(3, 35));
        assertThat(TraceViews.span(trace, "invoke").orElseThrow().has("parentSpanId")).isFalse();
    }

    @Test
    void anotherSessionsTracesAreNotMixedInAndAnUnknownSessionHasNone() {
        Agents.Runtime runtime = hearth.agents().deploy("hearth-tests/src/test/resources/agents/echo-headers",
                "PYTHON_3_12", "agent.py", null, Map.of(), Map.of());
        invoke(runtime, Invoker.newSessionId(), null, null);
        assertThat(TraceViews.traces(TraceViews.of(hearth, runtime.id(), Invoker.newSessionId()))).isEmpty();
    }

    private static JsonNode invoke(Agents.Runtime runtime, String session, String traceparent, String tracestate) {
        var response = hearth.clients().data().invokeAgentRuntimeAsBytes(r -> {
            r.agentRuntimeArn(runtime.arn()).runtimeSessionId(session).payload(SdkBytes.fromUtf8String("{}"));
            if (traceparent != null) {
                r.traceParent(traceparent);
            }
            if (tracestate != null) {
                r.traceState(tracestate);
            }
        });
        return Json.tree(response.asByteArray());
    }
}
