package io.hearth.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreesTest {
    @TempDir
    Path tmp;

    @Test
    void aTreeGoesAndWhatItsLinksPointAtStays() throws Exception {
        Path outside = Files.writeString(tmp.resolve("outside.txt"), "keep");
        Path outsideDir = Files.createDirectory(tmp.resolve("outside-dir"));
        Files.writeString(outsideDir.resolve("inner.txt"), "keep too");
        Path tree = Files.createDirectories(tmp.resolve("tree/a/b"));
        Files.writeString(tree.resolve("file"), "x");
        Files.createSymbolicLink(tree.resolve("to-file"), outside);
        Files.createSymbolicLink(tmp.resolve("tree/to-dir"), outsideDir);

        FileTrees.delete(tmp.resolve("tree"));

        assertThat(tmp.resolve("tree")).doesNotExist();
        assertThat(outside).hasContent("keep");
        assertThat(outsideDir.resolve("inner.txt")).hasContent("keep too");
    }

    @Test
    void aLinkIsRemovedNotFollowedAndAMissingPathIsNoError() throws Exception {
        Path target = Files.createDirectory(tmp.resolve("target"));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), target);

        FileTrees.delete(link);
        FileTrees.delete(tmp.resolve("never-there"));

        assertThat(link).doesNotExist();
        assertThat(target).isDirectory();
    }
}
