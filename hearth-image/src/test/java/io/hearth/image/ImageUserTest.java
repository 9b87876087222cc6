package io.hearth.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageUserTest {
    @TempDir
    Path rootfs;

    private void accounts() throws Exception {
        Path etc = Files.createDirectories(rootfs.resolve("etc"));
        Files.writeString(etc.resolve("passwd"), """
                root:x:0:0:root:/root:/bin/bash
                # a comment
                app:x:1000:1001:App:/home/app:/bin/sh
                svc:x:999:999::nohome:/usr/sbin/nologin
                """);
        Files.writeString(etc.resolve("group"), "root:x:0:\napp:x:1001:\nstaff:x:50:app\n");
    }

    @Test
    void resolvesNamesAndNumbersAgainstTheImagesOwnAccounts() throws Exception {
        accounts();
        assertThat(ImageUser.resolve(rootfs, "")).isEqualTo(new ImageUser(0, 0, "/root"));
        assertThat(ImageUser.resolve(rootfs, "app")).isEqualTo(new ImageUser(1000, 1001, "/home/app"));
        assertThat(ImageUser.resolve(rootfs, "1000")).isEqualTo(new ImageUser(1000, 1001, "/home/app"));
        assertThat(ImageUser.resolve(rootfs, "app:staff")).isEqualTo(new ImageUser(1000, 50, "/home/app"));
        assertThat(ImageUser.resolve(rootfs, "app:7")).isEqualTo(new ImageUser(1000, 7, "/home/app"));
        assertThat(ImageUser.resolve(rootfs, "4242")).isEqualTo(new ImageUser(4242, 0, "/"));
        assertThat(ImageUser.resolve(rootfs, "4242:4343")).isEqualTo(new ImageUser(4242, 4343, "/"));
        assertThat(ImageUser.resolve(rootfs, "svc").home()).as("a relative home is none").isEqualTo("/");
    }

    @Test
    void refusesWhatTheImageDoesNotDefine() throws Exception {
        accounts();
        assertThatThrownBy(() -> ImageUser.resolve(rootfs, "nobody-here"))
                .isInstanceOf(ImageException.class)
                .hasMessage("user: nobody-here (expected: a user the image's /etc/passwd defines, or a numeric uid)");
        assertThatThrownBy(() -> ImageUser.resolve(rootfs, "app:wheel"))
                .hasMessage("user: app:wheel (expected: a group the image's /etc/group defines, or a numeric gid)");
        assertThatThrownBy(() -> ImageUser.resolve(rootfs, "app:"))
                .hasMessage("user: app: (expected: user[:group], names or ids)");
        assertThatThrownBy(() -> ImageUser.resolve(rootfs, "99999999999"))
                .hasMessageContaining("expected: 0 to 2147483647");
    }

    @Test
    void neverReadsTheHostsAccountsThroughALink() throws Exception {
        Files.createDirectories(rootfs.resolve("etc"));
        Files.createSymbolicLink(rootfs.resolve("etc/passwd"), Path.of("/etc/passwd"));
        assertThatThrownBy(() -> ImageUser.resolve(rootfs, "root"))
                .as("the host's root is not the image's").isInstanceOf(ImageException.class);
        Files.delete(rootfs.resolve("etc/passwd"));
        Files.delete(rootfs.resolve("etc"));
        Files.createSymbolicLink(rootfs.resolve("etc"), Path.of("/etc"));
        assertThatThrownBy(() -> ImageUser.resolve(rootfs, "root"))
                .as("/etc resolved inside the image is itself: a loop").isInstanceOf(ImageException.class);
        Files.delete(rootfs.resolve("etc"));
        Files.createSymbolicLink(rootfs.resolve("etc"), Path.of("../../../../usr/etc"));
        assertThat(ImageUser.resolve(rootfs, "0")).as("no accounts: numbers alone").isEqualTo(new ImageUser(0, 0, "/"));
    }

    @Test
    void addsPathAndHomeWhereTheImageSetsNone() {
        var config = new ImageConfig(List.of("python3"), List.of("app.py"), Map.of("LANG", "C.UTF-8"), "/app", "app",
                Set.of(8080), "linux", "amd64");
        assertThat(new ImageUser(1000, 1001, "/home/app").environment(config)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "PATH", ImageUser.DEFAULT_PATH, "HOME", "/home/app", "LANG", "C.UTF-8"));
        var own = new ImageConfig(List.of(), List.of(), Map.of("PATH", "/opt/bin", "HOME", "/data"), "", "", Set.of(),
                "linux", "amd64");
        assertThat(new ImageUser(0, 0, "/root").environment(own)).containsEntry("PATH", "/opt/bin")
                .containsEntry("HOME", "/data");
    }
}
