package io.hearth.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SandboxDriversTest {
    private Path data;

    @BeforeEach
    void makeDataDir() throws IOException {
        data = Files.createTempDirectory("hearth-drivers-test");
    }

    @AfterEach
    void removeDataDir() {
        IsolatingDriverContract.deleteTree(data);
    }

    @Test
    void anUnknownIsolationNamesTheChoices() {
        assertThatThrownBy(() -> SandboxDrivers.open("docker", data.resolve("sandboxes")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("isolation: docker (expected: one of auto, gvisor, namespaces, process)");
    }

    @Test
    void availabilityReportsEveryDriverWithAReason() {
        Map<String, DriverAvailability> byName = SandboxDrivers.availability().stream()
                .collect(Collectors.toMap(DriverAvailability::driver, a -> a));
        assertThat(byName.keySet()).containsExactlyInAnyOrder("gvisor", "namespaces", "process");
        assertThat(byName.get("process").available()).isTrue();
        assertThat(byName.values()).allSatisfy(a -> assertThat(a.reason()).isNotBlank());
        if (Files.isExecutable(Path.of("/usr/bin/bwrap"))) {
            assertThat(byName.get("namespaces").available()).as(byName.get("namespaces").reason()).isTrue();
            assertThat(byName.get("namespaces").reason()).contains("bubblewrap");
        }
        if (Files.isExecutable(Path.of("/usr/bin/runsc"))) {
            assertThat(byName.get("gvisor").available()).as(byName.get("gvisor").reason()).isTrue();
            assertThat(byName.get("gvisor").reason()).contains("runsc").contains("ptrace");
        }
    }

    @Test
    void autoPicksGvisorWhereItRuns() {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/runsc")), "runsc is not installed: run ./hearth setup");
        try (SandboxDriver driver = SandboxDrivers.open("auto", data.resolve("sandboxes"))) {
            assertThat(driver.name()).isEqualTo("gvisor");
            assertThat(driver.isolationSummary()).contains("user-space kernel").contains("no hardware VM");
        }
        assertThat(data.resolve("sandboxes").resolve("gvisor")).isDirectory();
    }

    @Test
    void processIsStillOnlyAnExplicitChoice() {
        try (SandboxDriver driver = SandboxDrivers.open("process", data.resolve("sandboxes"))) {
            assertThat(driver.name()).isEqualTo("process");
            assertThat(driver.isolationSummary()).startsWith("NO ISOLATION");
        }
    }

    @Test
    void autoWithoutIsolationRefusesAndNamesTheWayOut() {
        assertThatThrownBy(() -> SandboxDrivers.openAuto(data.resolve("sandboxes"),
                        () -> DriverAvailability.no("gvisor", "missing runsc"),
                        () -> DriverAvailability.no("namespaces", "user namespaces are disabled")))
                .isInstanceOf(IsolationUnavailableException.class)
                .hasMessageContaining("gvisor: missing runsc")
                .hasMessageContaining("namespaces: user namespaces are disabled")
                .hasMessageContaining("--isolation process");
        assertThat(data.resolve("sandboxes")).doesNotExist();
    }

    @Test
    void autoFallsBackToNamespacesWhenGvisorDoesNotRun() {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/bwrap")), "bwrap is not installed: run ./hearth setup");
        try (SandboxDriver driver = SandboxDrivers.openAuto(data.resolve("sandboxes"),
                () -> DriverAvailability.no("gvisor", "pretend runsc fails here"),
                io.hearth.sandbox.internal.DriverChecks::namespaces)) {
            assertThat(driver.name()).isEqualTo("namespaces");
        }
    }

    @Test
    void recordsRejectWhatCannotBe() {
        assertThatThrownBy(() -> DriverAvailability.yes("gvisor", " "))
                .hasMessage("reason: blank (expected: what was checked, for the log)");
        assertThatThrownBy(() -> new SandboxUsage(java.time.Duration.ZERO, -1, 0, -1, 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("throttledPeriods=-1");
    }
}
