package io.hearth.bench.internal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pushes a single-platform OCI image to an open registry over the distribution API, as {@code docker push} does:
 * each blob in one upload (POST, then PUT with its digest), then the manifest under a tag.
 */
final class ImagePusher implements AutoCloseable {
    private static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    private static final String CONFIG = "application/vnd.oci.image.config.v1+json";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String registry;

    ImagePusher(String registry) {
        this.registry = registry;
    }

    /**
     * Pushes {@code repository:tag} for one platform; returns the manifest's digest.
     *
     * @param config the config's {@code config} object ({@code Entrypoint}, {@code Env}, ...)
     * @param layers gzip-compressed layer tars, lowest first
     */
    String push(String repository, String tag, String architecture, Map<String, Object> config, List<byte[]> layers) {
        var document = new LinkedHashMap<String, Object>();
        document.put("architecture", architecture);
        document.put("os", "linux");
        document.put("config", config);
        document.put("rootfs", Map.of("type", "layers", "diff_ids", List.of()));
        byte[] configBlob = Json.compact(document).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        blob(repository, configBlob);
        var layerDescriptors = new ArrayList<Object>();
        for (byte[] layer : layers) {
            blob(repository, layer);
            layerDescriptors.add(descriptor(ImageLayer.MEDIA_TYPE, layer));
        }
        var manifest = new LinkedHashMap<String, Object>();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", MANIFEST);
        manifest.put("config", descriptor(CONFIG, configBlob));
        manifest.put("layers", layerDescriptors);
        byte[] manifestBytes = Json.compact(manifest).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        expect(send(HttpRequest.newBuilder(uri("/v2/" + repository + "/manifests/" + tag))
                .header("Content-Type", MANIFEST).PUT(HttpRequest.BodyPublishers.ofByteArray(manifestBytes))), 201);
        return digest(manifestBytes);
    }

    private void blob(String repository, byte[] bytes) {
        HttpResponse<String> started = send(HttpRequest.newBuilder(uri("/v2/" + repository + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        expect(started, 202);
        URI upload = uri("/").resolve(started.headers().firstValue("Location").orElseThrow(() -> new IllegalStateException(
                "registry " + registry + ": upload started without a Location (expected: the upload's URL)")));
        String separator = upload.getRawQuery() == null ? "?" : "&";
        expect(send(HttpRequest.newBuilder(URI.create(upload + separator + "digest=" + digest(bytes)))
                .header("Content-Type", "application/octet-stream").PUT(HttpRequest.BodyPublishers.ofByteArray(bytes))), 201);
    }

    private static Map<String, Object> descriptor(String mediaType, byte[] bytes) {
        var descriptor = new LinkedHashMap<String, Object>();
        descriptor.put("mediaType", mediaType);
        descriptor.put("digest", digest(bytes));
        descriptor.put("size", bytes.length);
        return descriptor;
    }

    static String digest(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256: unavailable (expected: every JDK has it)", e);
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("registry " + registry + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("registry " + registry + ": interrupted", e);
        }
    }

    private URI uri(String path) {
        return URI.create("http://" + registry + path);
    }

    private static void expect(HttpResponse<String> response, int status) {
        if (response.statusCode() != status) {
            throw new IllegalStateException(response.request().method() + " " + response.uri() + ": HTTP "
                    + response.statusCode() + " " + response.body().strip() + " (expected: " + status + ")");
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
