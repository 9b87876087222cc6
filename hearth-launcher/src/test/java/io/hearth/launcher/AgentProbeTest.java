package io.hearth.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.hearth.deployment.ServerProtocol;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.client.HttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Readiness polls against real sockets on loopback. */
class AgentProbeTest {
    private final HttpClient client = new HttpClient();
    private HttpServer agent;

    @BeforeEach
    void start() throws Exception {
        client.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (agent != null) {
            agent.stop(0);
        }
        client.stop();
    }

    @Test
    void aPortNobodyListensOnIsNotAcceptingAndOneWithAListenerIs() throws Exception {
        InetSocketAddress free;
        try (var probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            free = new InetSocketAddress(probe.getInetAddress(), probe.getLocalPort());
            assertThat(AgentProbe.accepts(free, Duration.ofMillis(100))).isTrue();
        }
        assertThat(AgentProbe.accepts(free, Duration.ofMillis(100))).isFalse();
    }

    @Test
    void anAgentThatStartsListeningLaterIsReadyAtItsFirstHealthyPing() throws Exception {
        InetSocketAddress address;
        try (var reserve = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            address = new InetSocketAddress(reserve.getInetAddress(), reserve.getLocalPort());
        }
        var pings = new AtomicInteger();
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(150);
                agent = HttpServer.create(address, 0);
                agent.createContext("/ping", exchange -> {
                    int n = pings.incrementAndGet();
                    byte[] body = "{\"status\":\"Healthy\",\"time_of_last_update\":1}".getBytes(StandardCharsets.UTF_8);
                    // Listening, but not healthy at once: as an agent still loading after its bind.
                    exchange.sendResponseHeaders(n < 3 ? 503 : 200, body.length);
                    exchange.getResponseBody().write(body);
                    exchange.close();
                });
                agent.start();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        boolean ready = new AgentProbe(client).awaitReady(address, ServerProtocol.HTTP,
                Instant.now().plusSeconds(10), () -> false);
        assertThat(ready).isTrue();
        assertThat(pings).as("pings only once it listened; 503s are not ready").hasValue(3);
    }

    @Test
    void anAgentThatNeverAnswersHealthyIsNotReadyAndTheSandboxDyingEndsTheWait() throws Exception {
        agent = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        agent.createContext("/ping", exchange -> {
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        agent.start();
        var probe = new AgentProbe(client);
        assertThat(probe.awaitReady(agent.getAddress(), ServerProtocol.HTTP, Instant.now().plusMillis(300), () -> false))
                .isFalse();
        var polls = new AtomicInteger();
        assertThat(probe.awaitReady(agent.getAddress(), ServerProtocol.HTTP, Instant.now().plusSeconds(30),
                () -> polls.incrementAndGet() > 3)).isFalse();
        assertThat(polls).hasValue(4);
    }

    @Test
    void pollsComeEveryMillisecondAtFirstThenLessOften() {
        assertThat(AgentProbe.pauseMillis(Duration.ZERO)).isEqualTo(1);
        assertThat(AgentProbe.pauseMillis(Duration.ofMillis(249))).isEqualTo(1);
        assertThat(AgentProbe.pauseMillis(Duration.ofMillis(500))).isEqualTo(4);
        assertThat(AgentProbe.pauseMillis(Duration.ofSeconds(2))).isEqualTo(12);
        assertThat(AgentProbe.pauseMillis(Duration.ofSeconds(60))).isEqualTo(50);
    }
}
