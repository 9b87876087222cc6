package io.hearth.router.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class TraceStoreTest {
    @Test
    void eachSessionKeepsItsLastTracesAndTheNodeItsCap() {
        var store = new TraceStore(3, 5);
        for (int i = 0; i < 10; i++) {
            store.add(trace("r", "a"));
        }
        assertThat(store.of("r", "a")).hasSize(3);
        assertThat(store.size()).isEqualTo(3);

        InvocationTrace firstOfB = trace("r", "b");
        store.add(firstOfB);
        store.add(trace("r", "b"));
        store.add(trace("r", "c"));
        // Over the cap of 5: the oldest trace of all (a's) leaves first.
        assertThat(store.size()).isEqualTo(5);
        assertThat(store.of("r", "a")).hasSize(2);
        store.add(trace("r", "c"));
        assertThat(store.size()).isEqualTo(5);
        assertThat(store.of("r", "a")).hasSize(1);
        assertThat(store.of("r", "b")).first().isSameAs(firstOfB);
        assertThat(store.of("r", "x")).isEmpty();
    }

    @Test
    void spansAreBuiltOnceTheTraceIsFinished() {
        InvocationTrace trace = InvocationTrace.start("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        long t = InvocationTrace.now();
        trace.step("route", t, t + 1000, java.util.Map.of());
        String agentParent = trace.agentCall();
        trace.agentAnswered(200);
        trace.finish(200, Optional.empty());
        var spans = trace.spans();
        assertThat(spans).extracting(SpanRecord::name).containsExactly("invoke", "route", "agent.call", "stream");
        assertThat(spans.get(0).parentSpanId()).contains("00f067aa0ba902b7");
        assertThat(agentParent).isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-" + spans.get(2).spanId() + "-01");
        assertThat(spans).allMatch(s -> s.traceId().equals("4bf92f3577b34da6a3ce929d0e0e4736"));
        assertThat(trace.spans()).isSameAs(spans);
    }

    private static InvocationTrace trace(String runtime, String session) {
        InvocationTrace trace = InvocationTrace.start(null);
        trace.session(runtime, "DEFAULT", session, "000000000000");
        trace.finish(200, Optional.empty());
        return trace;
    }
}
