package io.hearth.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hearth.sandbox.NetworkMode;
import io.hearth.sandbox.ReclaimReport;
import io.hearth.sandbox.ResourceLimits;
import io.hearth.sandbox.Sandbox;
import io.hearth.sandbox.SandboxDriver;
import io.hearth.sandbox.SandboxException;
import io.hearth.sandbox.SandboxExit;
import io.hearth.sandbox.SandboxSpec;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The live-sandbox count follows sandboxes exactly: taken before a start, given back when it ends or fails. */
class AdmittingDriverTest {

    @Test
    void aSlotIsHeldFromTheStartUntilTheSandboxEndsHoweverItEnds() {
        var quotas = new Quotas(QuotaSettings.DEFAULT.withMaxSandboxes(OptionalInt.of(3)), new NodeMemory(1L << 34, 1L << 34));
        var fake = new FakeDriver();
        SandboxDriver driver = quotas.admitting(fake);
        var started = new ArrayList<Sandbox>();
        for (int i = 0; i < 3; i++) {
            started.add(driver.start(spec("s" + i)));
        }
        assertThatThrownBy(() -> driver.start(spec("s3")))
                .isInstanceOf(QuotaRefusal.Exceeded.class).hasMessageContaining("3 of at most 3");
        assertThat(fake.starts).as("a refused start never reaches the driver").isEqualTo(3);

        fake.exits.get(0).complete(new SandboxExit.Exited(1));
        fake.exits.get(1).completeExceptionally(new IllegalStateException("the driver lost it"));
        assertThat(quotas.liveSandboxes()).isEqualTo(1);

        fake.failNext = true;
        assertThatThrownBy(() -> driver.start(spec("s4"))).isInstanceOf(SandboxException.class);
        assertThat(quotas.liveSandboxes()).as("a failed start holds nothing").isEqualTo(1);

        fake.exits.get(2).complete(new SandboxExit.Exited(0));
        fake.exits.get(2).complete(new SandboxExit.Exited(0)); // a second completion is a no-op
        assertThat(quotas.liveSandboxes()).isZero();
    }

    private static SandboxSpec spec(String id) {
        return new SandboxSpec(io.hearth.sandbox.SandboxIds.next(), Path.of("/tmp"), List.of("/bin/true"), Map.of(), ResourceLimits.DEFAULT,
                NetworkMode.NONE, Path.of("/tmp/" + id + ".log"), Map.of());
    }

    private static final class FakeDriver implements SandboxDriver {
        final List<CompletableFuture<SandboxExit>> exits = new ArrayList<>();
        int starts;
        boolean failNext;

        @Override
        public String name() {
            return "fake";
        }

        @Override
        public String isolationSummary() {
            return "none";
        }

        @Override
        public Sandbox start(SandboxSpec spec) {
            if (failNext) {
                failNext = false;
                throw new SandboxException("cannot start " + spec.id());
            }
            starts++;
            var exit = new CompletableFuture<SandboxExit>();
            exits.add(exit);
            return new Sandbox() {
                @Override
                public String id() {
                    return spec.id();
                }

                @Override
                public InetSocketAddress agentAddress() {
                    return new InetSocketAddress("127.0.0.1", 1);
                }

                @Override
                public CompletableFuture<SandboxExit> exit() {
                    return exit;
                }

                @Override
                public void stop() {
                    exit.complete(new SandboxExit.Stopped());
                }
            };
        }

        @Override
        public ReclaimReport reclaimLeftovers() {
            return new ReclaimReport("fake", List.of());
        }

        @Override
        public void close() {}
    }
}
