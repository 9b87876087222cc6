package io.hearth.sandbox;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessDriverImageTest {
    @TempDir
    Path work;

    @Test
    void refusesAnImageRootNamingTheDriversThatRunOne() throws Exception {
        Path rootfs = Files.createDirectories(work.resolve("rootfs"));
        String id = SandboxIds.next();
        var spec = new SandboxSpec(id, rootfs, List.of("python3", "agent.py"), Map.of(), ResourceLimits.DEFAULT,
                NetworkMode.PUBLIC, work.resolve(id + ".log"), Map.of(), Optional.empty(), SandboxSpec.DEFAULT_AGENT_PORT,
                Optional.of(new ImageRoot(rootfs, 0, 0, "/", Map.of())));
        try (SandboxDriver driver = SandboxDrivers.open("process", work.resolve("sandboxes"))) {
            assertThatThrownBy(() -> driver.start(spec))
                    .isInstanceOf(SandboxException.class)
                    .hasMessageContaining("container images need --isolation namespaces or gvisor");
        }
        assertThatThrownBy(() -> new SandboxSpec(id, rootfs, List.of("python3"), Map.of(), ResourceLimits.DEFAULT,
                NetworkMode.PUBLIC, work.resolve(id + ".log"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: an absolute executable first");
    }
}
