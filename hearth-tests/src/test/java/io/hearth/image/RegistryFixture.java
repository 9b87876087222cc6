package io.hearth.image;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.hearth.image.TestImages.Blob;
import io.hearth.image.TestImages.Compression;
import io.hearth.image.TestImages.Pusher;
import io.hearth.image.TestImages.Tar;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A real registry (Debian's {@code docker-registry}) for the end-to-end tests, with what they push to it: the image
 * module's own test registry and image builder, opened to other packages.
 */
public final class RegistryFixture implements AutoCloseable {
    private final TestRegistry registry;
    private final Optional<String> user;

    private RegistryFixture(TestRegistry registry, Optional<String> user) {
        this.registry = registry;
        this.user = user;
    }

    /** Skips the calling test when {@code docker-registry} (or, with a user, {@code htpasswd}) is not installed. */
    public static void assumeInstalled() {
        TestRegistry.assumeInstalled();
    }

    /** @param user {@code user:password} the registry demands (Basic, htpasswd), or empty for an open registry */
    public static RegistryFixture start(Path directory, Optional<String> user) {
        try {
            return new RegistryFixture(TestRegistry.start(directory, user), user);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("docker-registry did not start in " + directory, e);
        }
    }

    /** {@code 127.0.0.1:<port>} */
    public String host() {
        return registry.host();
    }

    /** A layer, gzip-compressed, holding exactly these entries. */
    public static final class Layer {
        private final Tar tar = new Tar();
        private Blob blob;

        public Layer dir(String name) {
            tar.dir(name, 0755);
            return this;
        }

        public Layer file(String name, byte[] content, int mode) {
            tar.file(name, content, mode, 0, 0, e -> {});
            return this;
        }

        public Layer file(String name, String content) {
            return file(name, content.getBytes(UTF_8), 0644);
        }

        public Layer copy(Path source, String name) {
            try {
                return file(name, Files.readAllBytes(source), Files.isExecutable(source) ? 0755 : 0644);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public Layer symlink(String name, String target) {
            tar.symlink(name, target);
            return this;
        }

        /** The layer's bytes, made once: a layer pushed to several registries is the same blob in each. */
        synchronized Blob blob() {
            if (blob == null) {
                blob = tar.layer(Compression.GZIP);
            }
            return blob;
        }
    }

    /**
     * Pushes a single-platform OCI image under {@code repository:tag}; returns its manifest digest.
     *
     * @param config the config's {@code config} object ({@code Entrypoint}, {@code Env}, {@code User}, ...)
     */
    public String push(String repository, String tag, String architecture, Map<String, Object> config,
            List<Layer> layers) {
        try (var pusher = pusher()) {
            return pusher.image(repository, tag, TestImages.OCI_MANIFEST, TestImages.OCI_CONFIG,
                    TestImages.config(architecture, config), layers.stream().map(Layer::blob).toList());
        } catch (Exception e) {
            throw new IllegalStateException("push " + host() + "/" + repository + ":" + tag + " failed", e);
        }
    }

    /** Pushes an OCI index under {@code repository:tag} whose only manifest is for {@code architecture}. */
    public void pushIndex(String repository, String tag, String architecture, Map<String, Object> config,
            List<Layer> layers) {
        try (var pusher = pusher()) {
            byte[] configBlob = TestImages.config(architecture, config);
            List<Blob> blobs = layers.stream().map(Layer::blob).toList();
            pusher.blob(repository, configBlob);
            for (Blob blob : blobs) {
                pusher.blob(repository, blob.bytes());
            }
            byte[] manifest = TestImages.manifest(TestImages.OCI_MANIFEST, TestImages.OCI_CONFIG, configBlob, blobs);
            pusher.manifest(repository, TestImages.digestOf(manifest), TestImages.OCI_MANIFEST, manifest);
            pusher.manifest(repository, tag, TestImages.OCI_INDEX, TestImages.index(Map.of(architecture, manifest)));
        } catch (Exception e) {
            throw new IllegalStateException("push " + host() + "/" + repository + ":" + tag + " failed", e);
        }
    }

    private Pusher pusher() {
        return user.map(u -> Pusher.basic(registry.host(), u)).orElseGet(() -> new Pusher(registry.host(), Optional.empty()));
    }

    @Override
    public void close() {
        try {
            registry.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
