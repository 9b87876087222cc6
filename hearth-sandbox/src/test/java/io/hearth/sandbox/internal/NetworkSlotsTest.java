package io.hearth.sandbox.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Slot locks as another process sees them: the only view that matters for reclaim. */
class NetworkSlotsTest {

    @Test
    void askingAgainForASlotThisProcessHoldsKeepsItLockedForEveryoneElse() throws Exception {
        assumeThat(ProcessHandle.current().info().user().orElse("")).as("slots live under /run/hearth").isEqualTo("root");
        NetworkSlots.Lease lease = NetworkSlots.lease();
        try {
            assertThat(lockedElsewhere(lease.slot())).as("held after leasing").isTrue();
            assertThat(NetworkSlots.tryLease(lease.slot())).as("not handed out twice").isEmpty();
            assertThat(lockedElsewhere(lease.slot())).as("still held after a second process-local attempt").isTrue();
        } finally {
            lease.release();
        }
        assertThat(lockedElsewhere(lease.slot())).as("free after release").isFalse();
    }

    /** Whether another process fails to take the slot's POSIX lock, as a reclaiming server would try it. */
    private static boolean lockedElsewhere(int slot) throws Exception {
        Process probe = new ProcessBuilder("/usr/bin/python3", "-c", """
                import fcntl, sys
                f = open(sys.argv[1], "a")
                try:
                    fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    sys.exit(0)
                except OSError:
                    sys.exit(3)
                """, "/run/hearth/slots/" + slot).inheritIO().start();
        assertThat(probe.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return probe.exitValue() == 3;
    }
}
