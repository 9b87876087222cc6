package io.hearth.control.internal;

import static io.hearth.control.internal.ControlPlaneRig.runtimeBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.hearth.api.ApiException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/**
 * Version resolution runs off the request thread, between two transactions; writes that land in between (a delete
 * of the runtime or of the version) win, and nothing of the deleted version stays behind on disk.
 */
class ResolutionRacesTest {

    @Test
    void aRuntimeDeletedWhileItsCodeUnpacksLeavesNoFiles() {
        var background = new HeldTasks();
        try (var rig = new ControlPlaneRig(background)) {
            String id = rig.create("deletedearly", "one");
            rig.parts.resolver().beforeUnpacking = () -> {
                rig.runtimes().delete(id, Optional.empty(), Optional.empty());
                background.runAll(); // the delete's clean-up runs before the code is unpacked
            };

            background.runAll();

            assertThat(rig.dataDir.resolve("versions").resolve(id)).doesNotExist();
            assertThat(catchThrowable(() -> rig.runtimes().get(id, Optional.empty()))).isInstanceOf(ApiException.NotFound.class);
        }
    }

    @Test
    void aVersionDeletedWhileItsCodeUnpacksLeavesNoFilesAndMovesNoEndpoint() {
        var background = new HeldTasks();
        try (var rig = new ControlPlaneRig(background)) {
            String id = rig.create("versiondeleted", "one");
            background.runAll();
            rig.runtimes().update(id, runtimeBody(null, "two"));
            rig.runtimes().update(id, runtimeBody(null, "three"));
            background.runAll(); // versions 2 and 3 READY; DEFAULT on 3
            rig.runtimes().update(id, runtimeBody(null, "four"));
            rig.runtimes().update(id, runtimeBody(null, "five")); // version 4 is neither latest nor targeted
            rig.runtimes().delete(id, Optional.empty(), Optional.of("4"));

            background.runAll();

            assertThat(rig.dataDir.resolve("versions").resolve(id).resolve("4")).doesNotExist();
            assertThat(Files.isDirectory(rig.dataDir.resolve("versions").resolve(id).resolve("5"))).isTrue();
            assertThat(rig.directory().resolve(id, "DEFAULT").version()).isEqualTo("5");
            assertThat(rig.runtimeStatus(id)).isEqualTo(Status.READY);
        }
    }

    /** An executor that holds its tasks until the test runs them, in the order it chooses. */
    static final class HeldTasks implements Executor {
        final List<Runnable> tasks = new ArrayList<>();

        @Override
        public synchronized void execute(Runnable task) {
            tasks.add(task);
        }

        synchronized void runAll() {
            while (!tasks.isEmpty()) {
                tasks.removeFirst().run();
            }
        }
    }
}
