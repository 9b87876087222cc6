package com.example.counter;

import io.hearth.sdk.AgentApp;
import io.hearth.sdk.Entrypoint;
import io.hearth.sdk.RequestContext;
import io.hearth.sdk.WebSocketConnection;
import io.hearth.sdk.WebSocketEntrypoint;
import io.hearth.sdk.WebSocketMessage;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * Counts each session's invocations in memory, and streams when asked: {@code {"prompt": "hi"}} answers
 * {@code {"count": N, "sessionId": ..., "prompt": "hi"}}; {@code {"prompt": "hi", "stream": 3}} streams three events
 * {@code {"index": i, "count": N}}. On {@code /ws} it echoes every message, text or binary; the text
 * {@code headers} answers what the connection was opened with.
 */
public final class CounterAgent {
    /** The payload: unknown fields are ignored, a missing {@code stream} is 0. */
    public record Prompt(String prompt, int stream, int delayMs) {}

    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

    @Entrypoint
    public Object invoke(Prompt prompt, RequestContext context) {
        int count = counts.computeIfAbsent(context.sessionId(), id -> new AtomicInteger()).incrementAndGet();
        if (prompt.stream() > 0) {
            return IntStream.range(0, prompt.stream()).mapToObj(index -> {
                pause(prompt.delayMs());
                return Map.of("index", index, "count", count);
            });
        }
        return Map.of("count", count, "sessionId", context.sessionId(), "prompt", String.valueOf(prompt.prompt()));
    }

    @WebSocketEntrypoint
    public void echo(WebSocketConnection connection, RequestContext context) {
        for (var message = connection.receive(); message.isPresent(); message = connection.receive()) {
            switch (message.get()) {
                case WebSocketMessage.Text text when text.text().equals("headers") -> connection.sendJson(Map.of(
                        "sessionId", context.sessionId(), "requestId", context.requestId(), "headers", context.headers()));
                case WebSocketMessage.Text text -> connection.sendText(text.text());
                case WebSocketMessage.Binary binary -> connection.sendBinary(binary.bytes());
            }
        }
    }

    private static void pause(int millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static void main(String[] args) {
        AgentApp.run(new CounterAgent());
    }
}
