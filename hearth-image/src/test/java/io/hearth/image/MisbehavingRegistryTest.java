package io.hearth.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.hearth.api.Workers;
import io.hearth.image.TestImages.Blob;
import io.hearth.image.TestImages.Compression;
import io.hearth.image.TestImages.Tar;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Registries that misbehave: silent before their headers or halfway through a layer, sending bytes that are not
 * the digest they were asked for, or only a schema 1 manifest.
 */
class MisbehavingRegistryTest {
    @TempDir
    Path dir;

    private final CountDownLatch release = new CountDownLatch(1);
    private Workers handlers;
    private HttpServer server;
    private ImageStore store;
    private Blob layer;

    @BeforeEach
    void startStallingRegistry() throws IOException {
        byte[] data = new byte[256 * 1024];
        new Random(3).nextBytes(data);
        layer = new Tar().file("data", data, 0644, 0, 0, e -> {}).layer(Compression.GZIP);
        byte[] config = TestImages.config("amd64", Map.of());
        byte[] manifest = TestImages.manifest(TestImages.OCI_MANIFEST, TestImages.OCI_CONFIG, config, List.of(layer));
        handlers = Workers.bounded("stalling-registry", 8, 8);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.setExecutor(handlers);
        server.createContext("/v2/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/v2/old/app/manifests/v1")) {
                exchange.getResponseHeaders().add("Content-Type",
                        "application/vnd.docker.distribution.manifest.v1+prettyjws");
                byte[] schema1 = ("{\"schemaVersion\": 1, \"name\": \"old/app\", \"tag\": \"v1\","
                        + " \"architecture\": \"amd64\", \"fsLayers\": [], \"history\": []}").getBytes();
                send(exchange, schema1, schema1.length);
            } else if (path.equals("/v2/liar/app/blobs/" + layer.digest())) {
                byte[] other = layer.bytes().clone();
                other[other.length / 2] ^= 1;
                send(exchange, other, other.length);
            } else if (path.equals("/v2/slow/app/manifests/v1")) {
                await();
                exchange.close();
            } else if (path.endsWith("/manifests/v1")) {
                exchange.getResponseHeaders().add("Content-Type", TestImages.OCI_MANIFEST);
                send(exchange, manifest, manifest.length);
            } else if (path.endsWith("/blobs/" + TestImages.digestOf(config))) {
                send(exchange, config, config.length);
            } else if (path.endsWith("/blobs/" + layer.digest())) {
                exchange.sendResponseHeaders(200, layer.bytes().length);
                exchange.getResponseBody().write(layer.bytes(), 0, layer.bytes().length / 2);
                exchange.getResponseBody().flush();
                await();
                exchange.close();
            } else {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
            }
        });
        server.start();
        String host = "127.0.0.1:" + server.getAddress().getPort();
        store = new ImageStore(dir.resolve("images"), RegistrySettings.defaults().withInsecure(host)
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(1)), ImageLimits.defaults());
    }

    @AfterEach
    void stop() {
        release.countDown();
        store.close();
        server.stop(0);
        handlers.close(Duration.ofSeconds(5));
    }

    @Test
    void registryThatNeverAnswersTimesOut() {
        var reference = ImageReference.parse(host() + "/slow/app:v1");
        long started = System.nanoTime();
        assertThatThrownBy(() -> store.pull(reference, PullProgress.NONE))
                .isInstanceOf(ImageException.class)
                .hasMessage("registry " + host() + ": no answer to GET /v2/slow/app/manifests/v1 within PT1S"
                        + " (expected: an answer within the request timeout)")
                .extracting(e -> ((ImageException) e).reason()).isEqualTo(ImageException.Reason.UNAVAILABLE);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void layerThatStallsHalfwayTimesOutAndLeavesNothing() throws IOException {
        var reference = ImageReference.parse(host() + "/stall/app:v1");
        assertThatThrownBy(() -> store.pull(reference, PullProgress.NONE))
                .isInstanceOf(ImageException.class)
                .hasMessage("blob " + layer.digest() + " in " + host() + "/stall/app: no bytes for PT1S (expected:"
                        + " the registry to keep sending within the request timeout)");
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        assertThat(store.manifests()).isEmpty();
        try (Stream<Path> tmp = Files.list(store.root().resolve("tmp"));
                Stream<Path> blobs = Files.list(store.root().resolve("blobs/sha256"))) {
            assertThat(tmp).isEmpty();
            assertThat(blobs.map(p -> "sha256:" + p.getFileName())).doesNotContain(layer.digest());
        }
    }

    @Test
    void layerWhoseBytesAreNotItsDigestIsRefusedAndNotStored() throws IOException {
        var reference = ImageReference.parse(host() + "/liar/app:v1");
        assertThatThrownBy(() -> store.pull(reference, PullProgress.NONE))
                .isInstanceOf(ImageException.class)
                .hasMessageStartingWith("blob " + layer.digest() + " in liar/app: content has digest sha256:")
                .hasMessageEndingWith(" (expected: " + layer.digest() + ")")
                .extracting(e -> ((ImageException) e).reason()).isEqualTo(ImageException.Reason.INVALID);
        assertThat(store.manifests()).isEmpty();
        try (Stream<Path> blobs = Files.list(store.root().resolve("blobs/sha256"))) {
            assertThat(blobs.map(p -> "sha256:" + p.getFileName())).doesNotContain(layer.digest());
        }
    }

    @Test
    void schema1ManifestIsRefusedClearly() {
        var reference = ImageReference.parse(host() + "/old/app:v1");
        assertThatThrownBy(() -> store.pull(reference, PullProgress.NONE))
                .isInstanceOf(ImageException.class)
                .hasMessage("image " + reference + ": Docker schema 1 manifest (expected: an OCI image manifest or"
                        + " Docker schema 2; push the image again with a current tool)")
                .extracting(e -> ((ImageException) e).reason()).isEqualTo(ImageException.Reason.UNSUPPORTED);
    }

    private String host() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    private void await() {
        try {
            release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void send(HttpExchange exchange, byte[] body, int length) throws IOException {
        exchange.sendResponseHeaders(200, length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }
}
