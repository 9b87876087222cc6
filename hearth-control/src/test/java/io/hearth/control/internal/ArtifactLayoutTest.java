package io.hearth.control.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hearth.api.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ArtifactLayoutTest {
    private static final String ROOT = "000000000000";

    private final Path dataDir;
    private final Path artifacts;

    ArtifactLayoutTest() throws IOException {
        dataDir = Files.createTempDirectory("hearth-artifact-layout-");
        artifacts = dataDir.resolve("artifacts");
    }

    @AfterEach
    void clean() {
        FileTrees.deleteQuietly(dataDir);
    }

    @Test
    void anOldLayoutsBucketsMoveUnderTheServersAccountOnce() throws IOException {
        write(artifacts.resolve("my-bucket/agent/agent.py"), "print('mine')");
        // A bucket named like an account is still a bucket of the old layout.
        write(artifacts.resolve("111111111111/code.zip"), "zip");

        ArtifactLayout.migrate(artifacts, ROOT);

        assertThat(artifacts.resolve(ROOT + "/my-bucket/agent/agent.py")).hasContent("print('mine')");
        assertThat(artifacts.resolve(ROOT + "/111111111111/code.zip")).hasContent("zip");
        assertThat(artifacts.resolve("my-bucket")).doesNotExist();
        assertThat(artifacts.resolve("111111111111")).doesNotExist();
        assertThat(dataDir.resolve("artifacts.pre-tenants")).doesNotExist();

        // Again, as at every start: a tenant's upload, even of a bucket named like the account, stays where it is.
        write(artifacts.resolve("222222222222/other-bucket/code.zip"), "theirs");
        ArtifactLayout.migrate(artifacts, ROOT);
        assertThat(artifacts.resolve(ROOT + "/my-bucket/agent/agent.py")).hasContent("print('mine')");
        assertThat(artifacts.resolve("222222222222/other-bucket/code.zip")).hasContent("theirs");
        assertThat(children(artifacts)).containsExactlyInAnyOrder(ArtifactLayout.MARKER, ROOT, "222222222222");
    }

    @Test
    void aFreshDataDirGetsTheTenantLayout() throws IOException {
        ArtifactLayout.migrate(artifacts, ROOT);
        write(artifacts.resolve("222222222222/b/code.zip"), "theirs");
        ArtifactLayout.migrate(artifacts, ROOT);
        assertThat(artifacts.resolve("222222222222/b/code.zip")).hasContent("theirs");
        assertThat(children(artifacts)).containsExactlyInAnyOrder(ArtifactLayout.MARKER, "222222222222");
    }

    @Test
    void aMigrationThatStoppedHalfWayIsFinishedAtTheNextStart() throws IOException {
        // Stopped after moving the old directory aside and making the new one.
        write(dataDir.resolve("artifacts.pre-tenants/my-bucket/agent/agent.py"), "print('mine')");
        write(artifacts.resolve(ArtifactLayout.MARKER), "");

        ArtifactLayout.migrate(artifacts, ROOT);

        assertThat(artifacts.resolve(ROOT + "/my-bucket/agent/agent.py")).hasContent("print('mine')");
        assertThat(dataDir.resolve("artifacts.pre-tenants")).doesNotExist();
    }

    private static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    private static java.util.List<String> children(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).toList();
        }
    }
}
