package io.hearth.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hearth.sandbox.Sandbox;
import io.hearth.sandbox.SandboxExit;
import io.hearth.sandbox.SandboxSpec;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A driver that fails in a way nobody planned for still leaves no half-made session and no running process. */
class ProvisioningFailureTest {

    @Test
    void aDriverThrowingAnUnexpectedExceptionFailsTheStartAndTheNextRequestTriesAgain() throws Exception {
        var calls = new java.util.concurrent.atomic.AtomicInteger();
        try (var rig = new SessionRig(real -> new RecordingDriver(real, s -> s) {
            @Override
            public Sandbox start(SandboxSpec spec) {
                calls.incrementAndGet();
                throw new IllegalStateException("driver bug: the cgroup vanished");
            }
        }, SessionRig.settings())) {
            for (int attempt = 1; attempt <= 2; attempt++) {
                Instant before = Instant.now();
                assertThatThrownBy(() -> rig.sessions.open(rig.answering, "s-unexpected"))
                        .isInstanceOf(SessionException.StartFailed.class)
                        .hasMessageContaining("s-unexpected")
                        .hasMessageContaining("driver bug: the cgroup vanished");
                assertThat(Duration.between(before, Instant.now())).as("attempt %d fails at once", attempt)
                        .isLessThan(Duration.ofSeconds(5));
                assertThat(rig.sessions.live()).isEmpty();
            }
            assertThat(calls).hasValue(2);
            assertThat(rig.sessions.all()).first().satisfies(ended -> {
                assertThat(ended.sessionId()).isEqualTo("s-unexpected");
                assertThat(ended.endReason()).contains("start-failed");
            });
        }
    }

    @Test
    void aSandboxThatBreaksAfterItsProcessStartedIsStopped() throws Exception {
        RecordingDriver[] recording = new RecordingDriver[1];
        try (var rig = new SessionRig(real -> recording[0] = new RecordingDriver(real, BrokenAddress::new), SessionRig.settings())) {
            assertThatThrownBy(() -> rig.sessions.open(rig.answering, "s-broken"))
                    .isInstanceOf(SessionException.StartFailed.class)
                    .hasMessageContaining("s-broken")
                    .hasMessageContaining("no address for you");
            assertThat(recording[0].started).hasSize(1);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!recording[0].allStopped() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(recording[0].allStopped()).as("the started process was stopped").isTrue();
            assertThat(rig.sessions.live()).isEmpty();
        }
    }

    /** A real sandbox whose driver fails to say where its agent listens. */
    private record BrokenAddress(Sandbox real) implements Sandbox {
        @Override
        public String id() {
            return real.id();
        }

        @Override
        public InetSocketAddress agentAddress() {
            throw new IllegalStateException("no address for you");
        }

        @Override
        public CompletableFuture<SandboxExit> exit() {
            return real.exit();
        }

        @Override
        public void stop() {
            real.stop();
        }
    }
}
