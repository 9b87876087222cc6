package io.hearth.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.hearth.deployment.Deployment;
import io.hearth.deployment.HearthTags;
import io.hearth.deployment.ServerProtocol;
import io.hearth.sandbox.Sandbox;
import io.hearth.sandbox.SandboxExit;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Entering and ending race: every exchange that got in is handed to the end, none is left on a stopped sandbox. */
class SessionEntryTest {
    private static final Deployment DEPLOYMENT = new Deployment("race-abcdefghijkl",
            "arn:aws:bedrock-agentcore:us-east-1:000000000000:runtime/race-abcdefghijkl", "race", "DEFAULT", "1",
            Path.of("/tmp"), List.of("/bin/true"), Map.of(), Duration.ofMinutes(5), Duration.ofHours(1), Set.of(),
            ServerProtocol.HTTP, false, HearthTags.parse(Map.of()));

    @Test
    void anExchangeEitherEntersBeforeTheEndAndIsAbortedOrIsRefused() throws Exception {
        var barrier = new CyclicBarrier(2);
        int entered = 0;
        for (int round = 0; round < 2_000; round++) {
            Session session = readySession(new AliveSandbox());
            var exchange = new AtomicReference<Optional<Exchange>>();
            Thread enterer = Thread.ofPlatform().start(() -> {
                await(barrier);
                exchange.set(session.tryEnter(Instant.now()));
            });
            await(barrier);
            Session.Teardown teardown = session.end(EndReason.STOPPED, "test", Instant.now()).orElseThrow();
            enterer.join();
            if (exchange.get().isPresent()) {
                entered++;
                assertThat(teardown.exchanges()).as("round %d: the exchange that entered is ended with the session", round)
                        .contains(exchange.get().get());
            }
            assertThat(session.tryEnter(Instant.now())).as("nothing enters an ended session").isEmpty();
        }
        assertThat(entered).as("some rounds let the exchange in first").isPositive();
    }

    @Test
    void aSessionWhoseSandboxDiedTakesNoExchangeBeforeItIsTold() {
        var sandbox = new AliveSandbox();
        Session session = readySession(sandbox);
        assertThat(session.tryEnter(Instant.now())).isPresent();
        sandbox.exit.complete(new SandboxExit.Exited(3));
        assertThat(session.sandboxDied()).isTrue();
        assertThat(session.tryEnter(Instant.now())).isEmpty();
    }

    private static Session readySession(Sandbox sandbox) {
        var session = new Session(new SessionKey(DEPLOYMENT.runtimeId(), "DEFAULT", "s-race"), DEPLOYMENT,
                sandbox.id(), "test", Path.of("/tmp/none.log"), Instant.now());
        assertThat(session.attach(sandbox)).isTrue();
        assertThat(session.becomeReady(Instant.now())).isTrue();
        return session;
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class AliveSandbox implements Sandbox {
        final CompletableFuture<SandboxExit> exit = new CompletableFuture<>();

        @Override
        public String id() {
            return "sb-aaaaaaaaaaaaaaaaaaaa";
        }

        @Override
        public InetSocketAddress agentAddress() {
            return new InetSocketAddress("127.0.0.1", 9);
        }

        @Override
        public CompletableFuture<SandboxExit> exit() {
            return exit;
        }

        @Override
        public void stop() {
            exit.complete(new SandboxExit.Stopped());
        }
    }
}
