package io.hearth.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Closing the session manager is bounded and stops every sandbox, ready or still starting. */
class SessionManagerCloseTest {

    @Test
    void closeStopsReadyAndStartingSandboxesWithinTheGrace() throws Exception {
        RecordingDriver[] recording = new RecordingDriver[1];
        Duration grace = Duration.ofSeconds(5);
        try (var rig = new SessionRig(real -> recording[0] = new RecordingDriver(real, s -> s),
                SessionRig.settings().withShutdownGrace(grace))) {
            for (int i = 0; i < 3; i++) {
                rig.sessions.open(rig.answering, "s-ready-" + i).close();
            }
            var starting = new ArrayList<CompletableFuture<Throwable>>();
            for (int i = 0; i < 4; i++) {
                String id = "s-starting-" + i;
                var failure = new CompletableFuture<Throwable>();
                starting.add(failure);
                Thread.ofVirtual().start(() -> {
                    try {
                        rig.sessions.open(rig.silent, id).close();
                        failure.complete(null);
                    } catch (Throwable e) {
                        failure.complete(e);
                    }
                });
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (recording[0].started.size() < 7 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(recording[0].started).hasSize(7);

            Instant before = Instant.now();
            rig.sessions.close();
            assertThat(Duration.between(before, Instant.now())).isLessThan(grace.plusSeconds(1));

            assertThat(recording[0].allStopped()).as("every sandbox stopped, the starting ones too").isTrue();
            assertThat(rig.sessions.live()).isEmpty();
            for (var failure : starting) {
                assertThat(failure.get(5, TimeUnit.SECONDS)).isInstanceOf(SessionException.class);
            }
            assertThat(rig.sessions.all()).hasSize(7).allSatisfy(s -> assertThat(s.endReason()).isPresent());
        }
    }
}
