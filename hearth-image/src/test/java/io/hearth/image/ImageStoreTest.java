package io.hearth.image;

import static io.hearth.image.TestImages.DOCKER_CONFIG;
import static io.hearth.image.TestImages.DOCKER_MANIFEST;
import static io.hearth.image.TestImages.OCI_CONFIG;
import static io.hearth.image.TestImages.OCI_INDEX;
import static io.hearth.image.TestImages.OCI_MANIFEST;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hearth.api.FileTrees;
import io.hearth.api.Workers;
import io.hearth.image.TestImages.Blob;
import io.hearth.image.TestImages.Compression;
import io.hearth.image.TestImages.Pusher;
import io.hearth.image.TestImages.Tar;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pulls images a real registry serves, pushed there as {@code docker push} would, and checks every file. */
class ImageStoreTest {
    private static Path registryDir;
    private static TestRegistry registry;
    private static Pusher push;

    @TempDir
    Path dir;
    private ImageStore store;

    @BeforeAll
    static void startRegistry() throws Exception {
        TestRegistry.assumeInstalled();
        registryDir = Files.createTempDirectory("hearth-registry");
        registry = TestRegistry.start(registryDir);
        push = new Pusher(registry.host(), Optional.empty());
    }

    @AfterAll
    static void stopRegistry() throws Exception {
        if (push != null) {
            push.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (registryDir != null) {
            FileTrees.delete(registryDir);
        }
    }

    @BeforeEach
    void openStore() {
        store = new ImageStore(dir.resolve("images"), settings(), ImageLimits.defaults(), new Platform("linux",
                "amd64", ""));
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private static RegistrySettings settings() {
        return RegistrySettings.defaults().withInsecure(registry.host())
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(10));
    }

    private static ImageReference ref(String repositoryAndTag) {
        return ImageReference.parse(registry.host() + "/" + repositoryAndTag);
    }

    private static byte[] amd64Config(Map<String, Object> config) {
        return TestImages.config("amd64", config);
    }

    @Test
    void pythonAgentImageUnpacksFilesModesLinksAndConfig() throws Exception {
        Blob layer = new Tar()
                .dir("app", 0755)
                .file("app/agent.py", "print('hello')\n", 0644, 0, 0)
                .file("app/run.sh", "#!/bin/sh\nexec python3 /app/agent.py\n", 0750, 0, 0)
                .dir("home/agent", 0700)
                .file("home/agent/notes.txt", "mine\n", 0600, 1000, 1000)
                .file("usr/bin/helper", "helper".getBytes(UTF_8), 04755, 0, 0, e -> {})
                .file("app/tagged.txt", "x".getBytes(UTF_8), 0644, 0, 0,
                        e -> e.addPaxHeader("SCHILY.xattr.user.hearth", "yes"))
                .symlink("usr/local/bin/agent", "/app/run.sh")
                .hardlink("app/agent-copy.py", "app/agent.py")
                .charDevice("dev/null")
                .layer(Compression.GZIP);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("Entrypoint", List.of("python3", "/app/agent.py"));
        config.put("Cmd", List.of("--port", "8080"));
        config.put("Env", List.of("PATH=/usr/local/bin:/usr/bin:/bin", "PYTHONUNBUFFERED=1"));
        config.put("WorkingDir", "/app");
        config.put("User", "1000:1000");
        config.put("ExposedPorts", Map.of("8080/tcp", Map.of()));
        String digest = push.image("agents/python", "v1", DOCKER_MANIFEST, DOCKER_CONFIG, amd64Config(config),
                List.of(new Blob("application/vnd.docker.image.rootfs.diff.tar.gzip", layer.bytes())));

        List<String> events = Collections.synchronizedList(new ArrayList<>());
        PulledImage image = store.pull(ref("agents/python:v1"), new PullProgress() {
            @Override
            public void phase(ImageReference reference, PullPhase phase) {
                events.add(phase.name());
            }

            @Override
            public void layer(String layerDigest, long done, long total) {
                events.add(layerDigest + " " + done + "/" + total);
            }
        });

        assertThat(image.manifestDigest()).isEqualTo(digest);
        assertThat(image.bytes()).isEqualTo(layer.bytes().length);
        assertThat(image.config()).isEqualTo(new ImageConfig(List.of("python3", "/app/agent.py"),
                List.of("--port", "8080"), Map.of("PATH", "/usr/local/bin:/usr/bin:/bin", "PYTHONUNBUFFERED", "1"),
                "/app", "1000:1000", Set.of(8080), "linux", "amd64"));
        assertThat(events).containsSubsequence("RESOLVING", "DOWNLOADING",
                layer.digest() + " 0/" + layer.bytes().length,
                layer.digest() + " " + layer.bytes().length + "/" + layer.bytes().length, "UNPACKING", "DONE");

        Path rootfs = image.rootfs();
        assertThat(rootfs.resolve("app/agent.py")).hasContent("print('hello')");
        assertThat(mode(rootfs.resolve("app/run.sh"))).isEqualTo(0750);
        assertThat(mode(rootfs.resolve("home/agent"))).isEqualTo(0700);
        assertThat(mode(rootfs.resolve("home/agent/notes.txt"))).isEqualTo(0600);
        assertThat(Files.getAttribute(rootfs.resolve("home/agent/notes.txt"), "unix:uid")).isEqualTo(1000);
        assertThat(Files.getAttribute(rootfs.resolve("home/agent/notes.txt"), "unix:gid")).isEqualTo(1000);
        assertThat(mode(rootfs.resolve("usr/bin/helper"))).as("setuid kept").isEqualTo(04755);
        assertThat(Files.readSymbolicLink(rootfs.resolve("usr/local/bin/agent"))).isEqualTo(Path.of("/app/run.sh"));
        assertThat(Files.getAttribute(rootfs.resolve("app/agent-copy.py"), "unix:ino"))
                .isEqualTo(Files.getAttribute(rootfs.resolve("app/agent.py"), "unix:ino"));
        assertThat(rootfs.resolve("dev/null")).as("device nodes are skipped").doesNotExist();
        var xattrs = Files.getFileAttributeView(rootfs.resolve("app/tagged.txt"), UserDefinedFileAttributeView.class);
        assertThat(xattrs.list()).as("user.* xattrs (the temp dir's file system takes them)").contains("hearth");
        ByteBuffer value = ByteBuffer.allocate(16);
        xattrs.read("hearth", value);
        assertThat(new String(value.array(), 0, value.position(), UTF_8)).isEqualTo("yes");
        assertThat(Files.getLastModifiedTime(rootfs.resolve("app/agent.py")).toMillis()).isEqualTo(1_700_000_000_000L);
        assertThat(mode(store.root())).as("the store is root's alone").isEqualTo(0700);

        PulledImage again = store.pull(ref("agents/python:v1"), PullProgress.NONE);
        assertThat(again.rootfs()).isEqualTo(rootfs);
        assertThat(registry.blobGets("agents/python", layer.digest())).isEqualTo(1);
    }

    @Test
    void layersApplyInOrderWithWhiteoutsAndOpaqueDirectories() throws Exception {
        Blob base = new Tar()
                .dir("etc", 0755).file("etc/a", "a1").file("etc/b", "b1")
                .dir("opt", 0755).dir("opt/keep", 0755).file("opt/keep/x", "x")
                .dir("opt/opq", 0755).file("opt/opq/old", "old").dir("opt/opq/sub", 0755)
                .file("opt/opq/sub/deep", "deep")
                .dir("var", 0755).dir("var/gone", 0755).file("var/gone/file", "f")
                .file("replaced", "a file first")
                .layer(Compression.NONE);
        Blob middle = new Tar()
                .file("etc/.wh.a", "")
                .file("var/.wh.gone", "")
                .dir("opt/opq", 0755)
                .file("opt/opq/new", "new")
                .file("opt/opq/.wh..wh..opq", "")
                .dir("replaced", 0755).file("replaced/inside", "now a directory")
                .file("etc/c", "c2")
                .layer(Compression.GZIP);
        Blob top = new Tar()
                .file("etc/b", "b3")
                .file("etc/.wh.c", "")
                .file("etc/d", "d3")
                .layer(Compression.ZSTD);
        push.image("layered/app", "v1", OCI_MANIFEST, OCI_CONFIG, amd64Config(Map.of()), List.of(base, middle, top));

        Path rootfs = store.pull(ref("layered/app:v1"), PullProgress.NONE).rootfs();

        assertThat(tree(rootfs)).containsExactly(
                "etc/", "etc/b=b3", "etc/d=d3",
                "opt/", "opt/keep/", "opt/keep/x=x", "opt/opq/", "opt/opq/new=new",
                "replaced/", "replaced/inside=now a directory",
                "var/");
    }

    @Test
    void multiArchIndexResolvesToTheHostPlatform() throws Exception {
        Map<String, byte[]> manifests = new LinkedHashMap<>();
        for (String arch : List.of("arm64", "amd64")) {
            Blob layer = new Tar().file("arch", arch).layer(Compression.GZIP);
            byte[] config = TestImages.config(arch, Map.of("Cmd", List.of("/bin/" + arch)));
            push.blob("multi/app", config);
            push.blob("multi/app", layer.bytes());
            byte[] manifest = TestImages.manifest(OCI_MANIFEST, OCI_CONFIG, config, List.of(layer));
            push.manifest("multi/app", TestImages.digestOf(manifest), OCI_MANIFEST, manifest);
            manifests.put(arch, manifest);
        }
        push.manifest("multi/app", "v1", OCI_INDEX, TestImages.index(manifests));

        PulledImage image = store.pull(ref("multi/app:v1"), PullProgress.NONE);

        assertThat(image.manifestDigest()).isEqualTo(TestImages.digestOf(manifests.get("amd64")));
        assertThat(image.rootfs().resolve("arch")).hasContent("amd64");
        assertThat(image.config().cmd()).containsExactly("/bin/amd64");
        assertThat(image.config().architecture()).isEqualTo("amd64");
    }

    @Test
    void imageForAnotherPlatformOnlyIsRefusedNamingItsPlatforms() throws Exception {
        Blob layer = new Tar().file("arch", "arm64").layer(Compression.GZIP);
        byte[] config = TestImages.config("arm64", Map.of());
        push.blob("armonly/app", config);
        push.blob("armonly/app", layer.bytes());
        byte[] manifest = TestImages.manifest(OCI_MANIFEST, OCI_CONFIG, config, List.of(layer));
        push.manifest("armonly/app", TestImages.digestOf(manifest), OCI_MANIFEST, manifest);
        push.manifest("armonly/app", "v1", OCI_INDEX, TestImages.index(Map.of("arm64", manifest)));
        push.manifest("armonly/app", "single", OCI_MANIFEST, manifest);

        assertThatThrownBy(() -> store.pull(ref("armonly/app:v1"), PullProgress.NONE))
                .isInstanceOf(ImageException.class)
                .hasMessage("image " + ref("armonly/app:v1") + " has linux/arm64 only (expected: linux/amd64, the"
                        + " platform this host runs)")
                .extracting(e -> ((ImageException) e).reason()).isEqualTo(ImageException.Reason.UNSUPPORTED);
        assertThatThrownBy(() -> store.pull(ref("armonly/app:single"), PullProgress.NONE))
                .hasMessageContaining("has linux/arm64 only (expected: linux/amd64");
        assertThat(registry.blobGets("armonly/app", layer.digest())).isZero();
        assertStoreHoldsNoImages();
    }

    @Test
    void missingTagIsManifestUnknown() {
        assertThatThrownBy(() -> store.pull(ref("nothing/here:v9"), PullProgress.NONE))
                .isInstanceOf(ImageException.class)
                .hasMessageStartingWith("manifest unknown: " + registry.host() + "/nothing/here:v9")
                .extracting(e -> ((ImageException) e).reason()).isEqualTo(ImageException.Reason.NOT_FOUND);
    }

    @Test
    void ecrNamesPullFromTheConfiguredRegistry() throws Exception {
        Blob layer = new Tar().file("hello", "from ecr").layer(Compression.GZIP);
        push.image("team/agents/echo", "v3", OCI_MANIFEST, OCI_CONFIG, amd64Config(Map.of()), List.of(layer));
        try (var ecrStore = new ImageStore(dir.resolve("ecr"), settings().withEcr(new EcrMapping(registry.host(),
                "team")), ImageLimits.defaults(), new Platform("linux", "amd64", ""))) {
            var reference = ImageReference.parse("123456789012.dkr.ecr.us-east-1.amazonaws.com/agents/echo:v3");
            PulledImage image = ecrStore.pull(reference, PullProgress.NONE);
            assertThat(image.reference()).isEqualTo(reference);
            assertThat(image.rootfs().resolve("hello")).hasContent("from ecr");
        }
    }

    @Test
    void maliciousLayersWriteNothingOutsideTheRootfs() throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Blob dotdot = new Tar().file("ok", "fine").file("../escape", "out").layer(Compression.GZIP);
        Blob absolute = new Tar().file(dir.resolve("outside/absolute").toString(), "out").layer(Compression.GZIP);
        Blob throughLink = new Tar()
                .symlink("etc", outside.toString())
                .file("etc/passwd", "root::0:0::/:/bin/sh")
                .symlink("up", "../../../../../../../../" + outside)
                .file("up/climbed", "x")
                .layer(Compression.GZIP);
        push.image("evil/dotdot", "v1", OCI_MANIFEST, OCI_CONFIG, amd64Config(Map.of()), List.of(dotdot));
        push.image("evil/absolute", "v1", OCI_MANIFEST, OCI_CONFIG, amd64Config(Map.of()), List.of(absolute));
        push.image("evil/link", "v1", OCI_MANIFEST, OCI_CONFIG, amd64Config(Map.of()), List.of(throughLink));

        assertThatThrownBy(() -> store.pull(ref("evil/dotdot:v1"), PullProgress.NONE))
                .isInstanceOf(ImageException.class)
                .hasMessageContaining("entry ../escape climbs out with ..");
        assertThatThrownBy(() -> store.pull(ref("evil/absolute:v1"), PullProgress.NONE))
                .isInstanceOf(ImageException.class)
                .hasMessageContaining("has an absolute name");
        assertStoreHoldsNoImages();
        assertThat(dir.resolve("escape")).doesNotExist();
        assertThat(dir.resolve("images/escape")).doesNotExist();
        assertThat(dir.resolve("outside/absolute")).doesNotExist();

        // A link out is followed as the container would: from the rootfs' own root, never the host's.
        Path rootfs = store.pull(ref("evil/link:v1"), PullProgress.NONE).rootfs();
        try (Stream<Path> files = Files.list(outside)) {
            assertThat(files).isEmpty();
        }
        Path inside = rootfs.resolve(outside.toString().substring(1));
        assertThat(inside.resolve("passwd")).hasContent("root::0:0::/:/bin/sh");
        assertThat(inside.resolve("climbed")).hasContent("x");
    }

    @Test
    void sharedLayerIsStoredOnceAndGarbageCollectedWhenNoImageRetainsIt() throws Exception {
        Blob shared = new Tar().dir("lib", 0755).file("lib/common.so", "shared").layer(Compression.GZIP);
        Blob onlyA = new Tar().file("a", "a").layer(Compression.GZIP);
        Blob onlyB = new Tar().file("b", "b").layer(Compression.ZSTD);
        byte[] configA = amd64Config(Map.of("Cmd", List.of("a")));
        byte[] configB = amd64Config(Map.of("Cmd", List.of("b")));
        String a = push.image("shared/a", "v1", OCI_MANIFEST, OCI_CONFIG, configA, List.of(shared, onlyA));
        String b = push.image("shared/b", "v1", OCI_MANIFEST, OCI_CONFIG, configB, List.of(shared, onlyB));

        PulledImage imageA = store.pull(ref("shared/a:v1"), PullProgress.NONE);
        PulledImage imageB = store.pull(ref("shared/b:v1"), PullProgress.NONE);

        assertThat(imageA.rootfs().resolve("lib/common.so")).hasContent("shared");
        assertThat(imageB.rootfs().resolve("lib/common.so")).hasContent("shared");
        assertThat(registry.blobGets("shared/a", shared.digest()) + registry.blobGets("shared/b", shared.digest()))
                .as("the shared layer is downloaded once").isEqualTo(1);
        assertThat(blobs()).containsExactlyInAnyOrder(shared.digest(), onlyA.digest(), onlyB.digest(),
                TestImages.digestOf(configA), TestImages.digestOf(configB));
        assertThat(store.manifests()).containsExactlyInAnyOrder(a, b);

        store.retain(Set.of(a));

        assertThat(store.manifests()).containsExactly(a);
        assertThat(imageB.rootfs()).doesNotExist();
        assertThat(imageA.rootfs().resolve("a")).hasContent("a");
        assertThat(blobs()).containsExactlyInAnyOrder(shared.digest(), onlyA.digest(), TestImages.digestOf(configA));

        store.retain(Set.of());

        assertThat(store.manifests()).isEmpty();
        assertThat(blobs()).isEmpty();
        try (Stream<Path> tmp = Files.list(store.root().resolve("tmp"))) {
            assertThat(tmp).isEmpty();
        }
    }

    @Test
    void storedLayerThatNoLongerMatchesItsDigestIsDroppedAndFetchedAgain() throws Exception {
        Blob shared = new Tar().file("lib.so", "the real one").layer(Compression.GZIP);
        push.image("rot/a", "v1", OCI_MANIFEST, OCI_CONFIG, amd64Config(Map.of("Cmd", List.of("a"))),
                List.of(shared));
        push.image("rot/b", "v1", OCI_MANIFEST, OCI_CONFIG, amd64Config(Map.of("Cmd", List.of("b"))),
                List.of(shared));
        store.pull(ref("rot/a:v1"), PullProgress.NONE);
        Path blob = store.root().resolve("blobs/sha256/" + shared.digest().substring(7));
        byte[] rotten = Files.readAllBytes(blob);
        rotten[rotten.length / 2] ^= 0x55;
        Files.write(blob, rotten);

        assertThatThrownBy(() -> store.pull(ref("rot/b:v1"), PullProgress.NONE))
                .isInstanceOf(ImageException.class)
                .hasMessageStartingWith("layer " + shared.digest() + ": stored content has digest sha256:");
        assertThat(blob).doesNotExist();

        PulledImage b = store.pull(ref("rot/b:v1"), PullProgress.NONE);
        assertThat(b.rootfs().resolve("lib.so")).hasContent("the real one");
        assertThat(blob).hasBinaryContent(shared.bytes());
    }

    @Test
    void entryAndSizeLimitsStopUnpackingAndLeaveNothing() throws Exception {
        Blob layer = new Tar().file("one", "1").file("two", "22").file("three", "333").file("four", "4444")
                .layer(Compression.GZIP);
        push.image("limits/app", "v1", OCI_MANIFEST, OCI_CONFIG, amd64Config(Map.of()), List.of(layer));
        var limits = ImageLimits.defaults();
        try (var fewEntries = new ImageStore(dir.resolve("few"), settings(), new ImageLimits(limits.maxManifestBytes(),
                limits.maxLayerBytes(), limits.maxImageBytes(), 3), new Platform("linux", "amd64", ""));
                var fewBytes = new ImageStore(dir.resolve("small"), settings(), new ImageLimits(
                        limits.maxManifestBytes(), limits.maxLayerBytes(), 5, limits.maxEntries()),
                        new Platform("linux", "amd64", ""))) {
            assertThatThrownBy(() -> fewEntries.pull(ref("limits/app:v1"), PullProgress.NONE))
                    .hasMessage("layer " + layer.digest() + ": entry four is entry 4 of the image (expected: at most"
                            + " 3 entries)")
                    .extracting(e -> ((ImageException) e).reason()).isEqualTo(ImageException.Reason.TOO_LARGE);
            assertThatThrownBy(() -> fewBytes.pull(ref("limits/app:v1"), PullProgress.NONE))
                    .hasMessage("layer " + layer.digest() + ": entry three takes the image past 5 unpacked bytes"
                            + " (expected: at most 5)");
            for (ImageStore limited : List.of(fewEntries, fewBytes)) {
                assertThat(limited.manifests()).isEmpty();
                try (Stream<Path> tmp = Files.list(limited.root().resolve("tmp"))) {
                    assertThat(tmp).isEmpty();
                }
            }
        }
    }

    @Test
    void concurrentPullsOfOneImageDownloadAndUnpackOnce() throws Exception {
        byte[] big = new byte[8 << 20];
        new Random(7).nextBytes(big);
        Blob layer = new Tar().file("data.bin", big, 0644, 0, 0, e -> {}).layer(Compression.GZIP);
        push.image("busy/app", "v1", OCI_MANIFEST, OCI_CONFIG, amd64Config(Map.of()), List.of(layer));

        Workers workers = Workers.bounded("image-test-pull", 6, 0);
        try {
            List<Future<PulledImage>> pulls = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                pulls.add(workers.submit(() -> store.pull(ref("busy/app:v1"), PullProgress.NONE)));
            }
            Set<Path> roots = new java.util.HashSet<>();
            for (Future<PulledImage> pull : pulls) {
                roots.add(pull.get().rootfs());
            }
            assertThat(roots).hasSize(1);
            assertThat(Files.size(roots.iterator().next().resolve("data.bin"))).isEqualTo(big.length);
        } finally {
            workers.close(Duration.ofSeconds(10));
        }
        assertThat(registry.blobGets("busy/app", layer.digest())).isEqualTo(1);
        try (Stream<Path> tmp = Files.list(store.root().resolve("tmp"))) {
            assertThat(tmp).isEmpty();
        }
    }

    @Test
    void registryWithCredentialsNeedsThem() throws Exception {
        Path authDir = dir.resolve("auth-registry");
        try (var secured = TestRegistry.start(authDir, Optional.of("alice:s3cret"));
                var pusher = Pusher.basic(secured.host(), "alice:s3cret")) {
            Blob layer = new Tar().file("secret", "inside").layer(Compression.GZIP);
            pusher.image("private/app", "v1", OCI_MANIFEST, OCI_CONFIG, amd64Config(Map.of()), List.of(layer));
            var reference = ImageReference.parse(secured.host() + "/private/app:v1");
            RegistrySettings anonymous = RegistrySettings.defaults().withInsecure(secured.host());

            try (var noCredentials = new ImageStore(dir.resolve("anonymous"), anonymous, ImageLimits.defaults())) {
                assertThatThrownBy(() -> noCredentials.pull(reference, PullProgress.NONE))
                        .isInstanceOf(ImageException.class)
                        .hasMessage("registry " + secured.host() + " needs credentials to pull private/app (401"
                                + " unauthorized; expected: credentials configured for " + secured.host() + ")")
                        .extracting(e -> ((ImageException) e).reason())
                        .isEqualTo(ImageException.Reason.UNAUTHORIZED);
            }
            try (var wrong = new ImageStore(dir.resolve("wrong"), anonymous.withCredentials(secured.host(),
                    new RegistryCredentials.Basic("alice", "guess")), ImageLimits.defaults())) {
                assertThatThrownBy(() -> wrong.pull(reference, PullProgress.NONE))
                        .hasMessageStartingWith("registry " + secured.host() + " refused the credentials");
            }
            try (var allowed = new ImageStore(dir.resolve("allowed"), anonymous.withCredentials(secured.host(),
                    new RegistryCredentials.Basic("alice", "s3cret")), ImageLimits.defaults())) {
                assertThat(allowed.pull(reference, PullProgress.NONE).rootfs().resolve("secret")).hasContent("inside");
            }
        }
    }

    private void assertStoreHoldsNoImages() throws Exception {
        assertThat(store.manifests()).isEmpty();
        try (Stream<Path> tmp = Files.list(store.root().resolve("tmp"))) {
            assertThat(tmp).isEmpty();
        }
    }

    private Set<String> blobs() throws Exception {
        try (Stream<Path> files = Files.list(store.root().resolve("blobs/sha256"))) {
            return new TreeSet<>(files.map(p -> "sha256:" + p.getFileName()).toList());
        }
    }

    private static int mode(Path path) throws Exception {
        return (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    }

    /** Every path under {@code root}, sorted: directories end in /, files show their content. */
    private static List<String> tree(Path root) throws Exception {
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.filter(p -> !p.equals(root)).sorted().map(p -> {
                String name = root.relativize(p).toString();
                try {
                    return Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? name + "/"
                            : name + "=" + Files.readString(p);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
        }
    }
}
