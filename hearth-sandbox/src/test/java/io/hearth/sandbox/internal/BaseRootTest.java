package io.hearth.sandbox.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared gVisor root's binds, with real mounts: this suite runs as root. */
class BaseRootTest {
    @TempDir
    Path dir;

    private BaseRoot base;

    @AfterEach
    void close() {
        if (base != null) {
            base.close();
        }
        assertThat(Mounts.under(dir)).as("mounts left under the test's directory").isEmpty();
    }

    @Test
    void theHostsEntriesAppearReadOnlyAndAFileReplacedOnTheHostReachesTheNextStart() throws Exception {
        Path usr = Files.createDirectories(dir.resolve("host/usr"));
        Files.writeString(usr.resolve("tool"), "a tool");
        Path resolv = Files.writeString(dir.resolve("host/resolv.conf"), "nameserver 10.0.0.1\n");
        Path ssl = Files.createDirectories(dir.resolve("host/ssl"));
        Files.writeString(ssl.resolve("cert.pem"), "a certificate");
        Path absent = dir.resolve("host/python3.99");
        base = new BaseRoot(dir.resolve("root"), usr, List.of(resolv, ssl, absent));

        base.refresh();
        Path root = base.root();
        assertThat(root.resolve("usr/tool")).hasContent("a tool");
        assertThat(root.resolve("etc/resolv.conf")).hasContent("nameserver 10.0.0.1");
        assertThat(root.resolve("etc/ssl/cert.pem")).hasContent("a certificate");
        assertThat(root.resolve("etc/python3.99")).doesNotExist();
        assertThatThrownBy(() -> Files.writeString(root.resolve("usr/tool"), "changed"))
                .as("the bind of /usr is read-only").isInstanceOf(FileSystemException.class);
        assertThatThrownBy(() -> Files.delete(root.resolve("etc/ssl/cert.pem")))
                .isInstanceOf(FileSystemException.class).isNotInstanceOf(AccessDeniedException.class);

        // As a DHCP client or resolvconf does it: a new file renamed over the old one.
        Path next = Files.writeString(dir.resolve("host/resolv.conf.new"), "nameserver 10.0.0.2\n");
        Files.move(next, resolv, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        assertThat(root.resolve("etc/resolv.conf")).as("before the next start").hasContent("nameserver 10.0.0.1");
        base.refresh();
        assertThat(root.resolve("etc/resolv.conf")).hasContent("nameserver 10.0.0.2");

        Files.writeString(absent, "installed later");
        base.refresh();
        assertThat(root.resolve("etc/python3.99")).hasContent("installed later");
        Files.delete(absent);
        base.refresh();
        assertThat(root.resolve("etc/python3.99")).doesNotExist();
        assertThat(Mounts.under(root)).hasSize(3);
    }

    @Test
    void aRefreshWithNothingChangedBindsNothingAgainAndClosingUnbindsAll() throws Exception {
        Path usr = Files.createDirectories(dir.resolve("host/usr"));
        Path hosts = Files.writeString(dir.resolve("host/hosts"), "127.0.0.1 localhost\n");
        base = new BaseRoot(dir.resolve("root"), usr, List.of(hosts));
        base.refresh();
        base.refresh();
        assertThat(Mounts.under(base.root())).hasSize(2);
        assertThat(base.root().resolve("app")).as("a mount point of the sandbox's own").isDirectory();
        base.close();
        assertThat(Mounts.under(base.root())).isEmpty();
        assertThat(base.root()).as("the layout, removed with the binds").doesNotExist();
        assertThat(usr).exists();
        assertThat(hosts).hasContent("127.0.0.1 localhost");
        base.refresh(); // as another driver on the same root does at its next start
        assertThat(Mounts.under(base.root())).hasSize(2);
        assertThat(base.root().resolve("etc/hosts")).hasContent("127.0.0.1 localhost");
    }

    @Test
    void namespacesBasesLieUnderRunOnePerStateRootAndGvisorsInsideIt() {
        Path one = BaseRoot.underRun(dir.resolve("a/sandboxes/namespaces"));
        assertThat(one.getParent()).isEqualTo(Path.of("/run/hearth/roots"));
        assertThat(one)
                .isEqualTo(BaseRoot.underRun(dir.resolve("a/sandboxes/../sandboxes/namespaces")))
                .isNotEqualTo(BaseRoot.underRun(dir.resolve("b/sandboxes/namespaces")));
        assertThat(BaseRoot.inside(dir.resolve("s"))).isEqualTo(dir.resolve("s/rootfs"));
    }
}
