package io.hearth.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hearth.testing.Agents;
import io.hearth.testing.Clients;
import io.hearth.testing.HearthExtension;
import io.hearth.testing.Invoker;
import io.hearth.testing.ServerProcess;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.bedrockagentcore.model.ValidationException;

class StreamingTest {
    @RegisterExtension
    static final HearthExtension hearth = new HearthExtension();

    static Agents.Runtime counter;

    @BeforeAll
    static void deploy() {
        counter = hearth.agents().pythonCounter();
    }

    @Test
    void serverSentEventsReachTheCallerOneByOneAsTheAgentWritesThem() throws Exception {
        long start = System.nanoTime();
        var arrivals = new ArrayList<Long>();
        var events = new ArrayList<String>();
        try (InputStream body = hearth.clients().data().invokeAgentRuntime(r -> r.agentRuntimeArn(counter.arn())
                .runtimeSessionId(Invoker.newSessionId())
                .contentType("application/json")
                .accept("text/event-stream")
                .payload(SdkBytes.fromUtf8String("{\"stream\": 4, \"delayMs\": 400}")))) {
            var reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
            for (String line; (line = reader.readLine()) != null; ) {
                if (line.startsWith("data:")) {
                    events.add(line);
                    arrivals.add((System.nanoTime() - start) / 1_000_000);
                }
            }
        }
        assertThat(events).hasSize(4);
        assertThat(events.getFirst()).contains("\"index\": 0");
        // The agent spends 1.2 s between its first and last event; a buffering proxy would deliver them together.
        assertThat(arrivals.getLast() - arrivals.getFirst()).as("spread of arrivals in ms: %s", arrivals).isGreaterThan(800);
    }

    @Test
    void theResponseKeepsTheAgentsContentType() {
        var response = hearth.clients().data().invokeAgentRuntimeAsBytes(r -> r.agentRuntimeArn(counter.arn())
                .runtimeSessionId(Invoker.newSessionId())
                .accept("text/event-stream")
                .payload(SdkBytes.fromUtf8String("{\"stream\": 1, \"delayMs\": 0}")));
        assertThat(response.response().contentType()).startsWith("text/event-stream");
    }

    @Test
    void aPayloadOverOneHundredMillionBytesIsRefusedBeforeAnySandboxStarts() {
        String session = Invoker.newSessionId();
        byte[] tooLarge = new byte[100_000_001];
        assertThatThrownBy(() -> hearth.clients().data().invokeAgentRuntime(r -> r.agentRuntimeArn(counter.arn())
                        .runtimeSessionId(session)
                        .contentType("application/octet-stream")
                        .payload(SdkBytes.fromByteArrayUnsafe(tooLarge))))
                .isInstanceOfSatisfying(ValidationException.class, e -> {
                    assertThat(e.getMessage()).contains("100000000");
                    assertThat(e.fieldList()).anySatisfy(f -> assertThat(f.name()).isEqualTo("payload"));
                });
        assertThat(hearth.server().sessions().all()).noneMatch(s -> s.sessionId().equals(session));
    }

    /** A server whose heap is smaller than the body proves the body streams through. */
    @Test
    void oneHundredMegabytesStreamInAndOutThroughAServerWithLessHeapThanThat() throws Exception {
        Path data = Files.createTempDirectory("hearth-stream-");
        try (var server = ServerProcess.start(data, List.of("-Xmx80m"))) {
            var clients = Clients.of(server.endpoint());
            var runtime = new io.hearth.testing.Agents(clients, data).pythonCounter();
            byte[] payload = new byte[100_000_000];
            new Random(7).nextBytes(payload);
            payload[0] = 1; // not JSON: the agent echoes raw bytes
            String sent = sha256(payload);

            MessageDigest received = MessageDigest.getInstance("SHA-256");
            long total = 0;
            try (InputStream body = clients.data().invokeAgentRuntime(r -> r.agentRuntimeArn(runtime.arn())
                    .runtimeSessionId(Invoker.newSessionId())
                    .contentType("application/octet-stream")
                    .payload(SdkBytes.fromByteArrayUnsafe(payload)))) {
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = body.read(buffer)) >= 0; ) {
                    received.update(buffer, 0, n);
                    total += n;
                }
            }
            assertThat(total).isEqualTo(100_000_000L);
            assertThat(HexFormat.of().formatHex(received.digest())).isEqualTo(sent);
        } finally {
            HearthExtension.deleteTree(data);
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
