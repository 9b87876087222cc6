package io.hearth.sandbox.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.hearth.sandbox.HostLeaks;
import io.hearth.sandbox.SandboxException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HostCommandTest {
    /** A sleep length no other process on the host uses, so the leak check finds only what this test started. */
    private final String sleep = "sleep 600." + ThreadLocalRandom.current().nextInt(100_000, 1_000_000);

    @AfterEach
    void killWhatATestLeft() {
        HostLeaks.kill(HostLeaks.processesWithCommandLine(sleep));
    }

    @Test
    void aRunningToolLeavesNoFileInTheTemporaryDirectoryForAKilledServerToLeave() throws Exception {
        java.nio.file.Path tmp = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"));
        java.util.Set<java.nio.file.Path> before = commandFiles(tmp);
        var result = java.util.concurrent.CompletableFuture.supplyAsync(() -> HostCommand.run(
                List.of("/bin/sh", "-c", "read line; sleep 1; echo \"$line\" done"), "input\n"));
        Thread.sleep(500);
        assertThat(commandFiles(tmp)).as("input and output files while the tool runs").isSubsetOf(before);
        assertThat(result.get(10, java.util.concurrent.TimeUnit.SECONDS).output()).isEqualTo("input done");
    }

    private static java.util.Set<java.nio.file.Path> commandFiles(java.nio.file.Path tmp) throws java.io.IOException {
        try (var files = java.nio.file.Files.list(tmp)) {
            return files.filter(f -> f.getFileName().toString().startsWith("hearth-cmd-"))
                    .collect(java.util.stream.Collectors.toSet());
        }
    }

    @Test
    void aToolThatHangsHoldingItsOutputOpenIsKilledWithItsChildrenAtTheTimeout() {
        var argv = List.of("/bin/sh", "-c", sleep + " & " + sleep);
        long begin = System.nanoTime();
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThatThrownBy(
                        () -> HostCommand.run(argv, "", Duration.ofMillis(500)))
                .isInstanceOf(SandboxException.class)
                .hasMessageContaining("/bin/sh -c " + sleep + " & " + sleep)
                .hasMessageContaining("500 ms"));
        assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(Duration.ofSeconds(3));
        assertThat(HostLeaks.processesWithCommandLine(sleep)).as("the tool and everything it forked").isEmpty();
    }

    @Test
    void aToolThatHangsWithoutOutputIsKilledAtTheTimeout() {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThatThrownBy(
                        () -> HostCommand.run(List.of("/bin/sh", "-c", "exec " + sleep), "", Duration.ofMillis(300)))
                .isInstanceOf(SandboxException.class)
                .hasMessageContaining("still running after 300 ms"));
        assertThat(HostLeaks.processesWithCommandLine(sleep)).isEmpty();
    }

    @Test
    void aToolThatEndsGivesItsCodeAndOutputWithInputOnStdin() {
        var result = HostCommand.run(List.of("/bin/sh", "-c", "cat; echo oops >&2; exit 3"), "fed in\n");
        assertThat(result.code()).isEqualTo(3);
        assertThat(result.output()).isEqualTo("fed in\noops");
        assertThat(HostCommand.check("/bin/echo", "fine")).isEqualTo("fine");
        assertThatThrownBy(() -> HostCommand.check("/bin/sh", "-c", "echo broken; exit 1"))
                .isInstanceOf(SandboxException.class)
                .hasMessage("/bin/sh -c echo broken; exit 1 failed with exit code 1: broken");
    }
}
