package io.hearth.image;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.airlift.compress.zstd.ZstdOutputStream;
import io.hearth.api.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Builds images from files and pushes them over the distribution API, as {@code docker push} would. */
final class TestImages {
    static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";

    private TestImages() {}

    enum Compression {
        NONE("application/vnd.oci.image.layer.v1.tar"),
        GZIP("application/vnd.oci.image.layer.v1.tar+gzip"),
        ZSTD("application/vnd.oci.image.layer.v1.tar+zstd");

        final String mediaType;

        Compression(String mediaType) {
            this.mediaType = mediaType;
        }
    }

    /** A layer's compressed bytes, with its media type. */
    record Blob(String mediaType, byte[] bytes) {
        String digest() {
            return digestOf(bytes);
        }
    }

    static String digestOf(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A tar written entry by entry, names exactly as given (absolute and {@code ..} included). */
    static final class Tar {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes);

        Tar() {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        }

        Tar dir(String name, int mode) {
            return add(entry(name.endsWith("/") ? name : name + "/", TarConstants.LF_DIR, mode, 0, 0), null);
        }

        Tar file(String name, String content) {
            return file(name, content, 0644, 0, 0);
        }

        Tar file(String name, String content, int mode, int uid, int gid) {
            return file(name, content.getBytes(UTF_8), mode, uid, gid, e -> {});
        }

        Tar file(String name, byte[] content, int mode, int uid, int gid, Consumer<TarArchiveEntry> more) {
            TarArchiveEntry entry = entry(name, TarConstants.LF_NORMAL, mode, uid, gid);
            entry.setSize(content.length);
            more.accept(entry);
            return add(entry, content);
        }

        Tar symlink(String name, String target) {
            TarArchiveEntry entry = entry(name, TarConstants.LF_SYMLINK, 0777, 0, 0);
            entry.setLinkName(target);
            return add(entry, null);
        }

        Tar hardlink(String name, String target) {
            TarArchiveEntry entry = entry(name, TarConstants.LF_LINK, 0644, 0, 0);
            entry.setLinkName(target);
            return add(entry, null);
        }

        Tar charDevice(String name) {
            TarArchiveEntry entry = entry(name, TarConstants.LF_CHR, 0666, 0, 0);
            entry.setDevMajor(1);
            entry.setDevMinor(3);
            return add(entry, null);
        }

        private static TarArchiveEntry entry(String name, byte type, int mode, int uid, int gid) {
            var entry = new TarArchiveEntry(name, type, true);
            entry.setMode(mode);
            entry.setUserId(uid);
            entry.setGroupId(gid);
            entry.setModTime(1_700_000_000_000L);
            return entry;
        }

        private Tar add(TarArchiveEntry entry, byte[] content) {
            try {
                tar.putArchiveEntry(entry);
                if (content != null) {
                    tar.write(content);
                }
                tar.closeArchiveEntry();
                return this;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        Blob layer(Compression compression) {
            try {
                tar.finish();
                tar.close();
                var out = new ByteArrayOutputStream();
                try (OutputStream compressed = switch (compression) {
                    case NONE -> out;
                    case GZIP -> new GZIPOutputStream(out);
                    case ZSTD -> new ZstdOutputStream(out);
                }) {
                    compressed.write(bytes.toByteArray());
                }
                return new Blob(compression.mediaType, out.toByteArray());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** A config blob: the {@code config} object as given, for one platform. */
    static byte[] config(String architecture, Map<String, Object> config) {
        var document = new LinkedHashMap<String, Object>();
        document.put("architecture", architecture);
        document.put("os", "linux");
        document.put("config", config);
        document.put("rootfs", Map.of("type", "layers", "diff_ids", List.of()));
        return Json.write(document);
    }

    static byte[] manifest(String mediaType, String configType, byte[] config, List<Blob> layers) {
        var document = new LinkedHashMap<String, Object>();
        document.put("schemaVersion", 2);
        document.put("mediaType", mediaType);
        document.put("config", descriptor(configType, config));
        List<Object> layerList = new ArrayList<>();
        for (Blob layer : layers) {
            layerList.add(descriptor(layer.mediaType(), layer.bytes()));
        }
        document.put("layers", layerList);
        return Json.write(document);
    }

    static Map<String, Object> descriptor(String mediaType, byte[] bytes) {
        var descriptor = new LinkedHashMap<String, Object>();
        descriptor.put("mediaType", mediaType);
        descriptor.put("digest", digestOf(bytes));
        descriptor.put("size", bytes.length);
        return descriptor;
    }

    /** An OCI index of platform manifests, {@code architecture → manifest bytes}. */
    static byte[] index(Map<String, byte[]> manifests) {
        List<Object> entries = new ArrayList<>();
        manifests.forEach((architecture, manifest) -> {
            var entry = descriptor(OCI_MANIFEST, manifest);
            entry.put("platform", Map.of("os", "linux", "architecture", architecture));
            entries.add(entry);
        });
        return Json.write(Map.of("schemaVersion", 2, "mediaType", OCI_INDEX, "manifests", entries));
    }

    /** Pushes blobs and manifests to a registry: POST an upload, PUT it with its digest, PUT the manifest. */
    static final class Pusher implements AutoCloseable {
        private final HttpClient http = HttpClient.newHttpClient();
        private final String registry;
        private final Optional<String> authorization;

        /** @param authorization the {@code Authorization} header every request carries, when present */
        Pusher(String registry, Optional<String> authorization) {
            this.registry = registry;
            this.authorization = authorization;
        }

        static Pusher basic(String registry, String user) {
            return new Pusher(registry, Optional.of("Basic " + Base64.getEncoder().encodeToString(user.getBytes(UTF_8))));
        }

        void blob(String repository, byte[] bytes) throws Exception {
            HttpResponse<String> started = send(HttpRequest.newBuilder(uri("/v2/" + repository + "/blobs/uploads/"))
                    .POST(HttpRequest.BodyPublishers.noBody()));
            expect(started, 202);
            String location = started.headers().firstValue("Location").orElseThrow();
            URI upload = uri("/").resolve(location);
            String separator = upload.getRawQuery() == null ? "?" : "&";
            HttpResponse<String> done = send(HttpRequest.newBuilder(URI.create(upload + separator + "digest="
                    + digestOf(bytes))).header("Content-Type", "application/octet-stream")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)));
            expect(done, 201);
        }

        void manifest(String repository, String reference, String mediaType, byte[] manifest) throws Exception {
            expect(send(HttpRequest.newBuilder(uri("/v2/" + repository + "/manifests/" + reference))
                    .header("Content-Type", mediaType).PUT(HttpRequest.BodyPublishers.ofByteArray(manifest))), 201);
        }

        /** Pushes a whole single-platform image under a tag; returns its manifest digest. */
        String image(String repository, String tag, String manifestType, String configType, byte[] config,
                List<Blob> layers) throws Exception {
            blob(repository, config);
            for (Blob layer : layers) {
                blob(repository, layer.bytes());
            }
            byte[] manifest = TestImages.manifest(manifestType, configType, config, layers);
            manifest(repository, tag, manifestType, manifest);
            return digestOf(manifest);
        }

        private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
            authorization.ifPresent(value -> request.header("Authorization", value));
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }

        private URI uri(String path) {
            return URI.create("http://" + registry + path);
        }

        private static void expect(HttpResponse<String> response, int status) {
            if (response.statusCode() != status) {
                throw new IllegalStateException(response.request().method() + " " + response.uri() + ": "
                        + response.statusCode() + " " + response.body() + " (expected: " + status + ")");
            }
        }

        @Override
        public void close() {
            http.close();
        }
    }
}
