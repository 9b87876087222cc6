package io.hearth.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NamespacesDriverExecTest extends ExecContract {
    @Override
    String driverName() {
        return "namespaces";
    }

    @Override
    Optional<Path> requiredBinary() {
        return Optional.of(Path.of("/usr/bin/bwrap"));
    }

    @Override
    String workingDirectory() {
        return "/app";
    }

    @Override
    boolean isolated() {
        return true;
    }

    @Test
    void runsInTheSandboxsCgroupsWithoutNewPrivilegesOrUserNamespaces() throws Exception {
        try (SandboxProcess sleeper = sandbox.exec(piped("echo up; exec sleep 1000"))) {
            new Screen(sleeper.stdout()).await("up", 0);
            List<Long> marked = HostLeaks.awaitProcessesWithEnvironment("HEARTH_TEST_MARK=" + mark, 2, WAIT);
            assertThat(marked).as("the sleeping program and nsenter above it, seen from the host").hasSize(2);
            assertThat(HostLeaks.processesInCgroupsOf(sandbox.id())).as("counted by the sandbox's limits")
                    .containsAll(marked);
        }
        Ran ran = run(sandbox, "awk '/^NoNewPrivs:/ {print $2}' /proc/self/status;"
                + " unshare --user true 2>/dev/null && echo made-a-user-namespace || echo refused");
        assertThat(ran.stdout()).isEqualTo("1\nrefused\n");
    }
}
