package io.hearth.image.internal;

import static java.util.Objects.requireNonNull;

import io.hearth.api.Json;
import io.hearth.image.ImageException;
import io.hearth.image.ImageException.Reason;
import io.hearth.image.ImageReference;
import io.hearth.image.Platform;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** Turns a reference into the host platform's manifest: index or list resolved, every document's digest checked. */
public final class ManifestResolver {
    private final RegistryClient client;
    private final Platform host;
    private final long maxBytes;

    public ManifestResolver(RegistryClient client, Platform host, long maxBytes) {
        this.client = requireNonNull(client, "client");
        this.host = requireNonNull(host, "host");
        this.maxBytes = maxBytes;
    }

    /**
     * @param located where to fetch it
     * @param named   what the caller asked for, for messages
     */
    public ImageManifest resolve(ImageReference located, ImageReference named) {
        RegistryClient.Document document = client.manifest(located, located.manifestReference(), maxBytes);
        String digest = Digests.of(document.body());
        if (located.digest().isPresent() && !located.digest().get().equals(digest)) {
            throw new ImageException(Reason.INVALID, "image " + named + ": registry sent a manifest with digest "
                    + digest + " (expected: " + located.digest().get() + ")");
        }
        JsonNode json = parse(named, document.body());
        String mediaType = mediaType(json, document.contentType());
        if (isIndex(json, mediaType)) {
            Descriptor chosen = choose(named, json);
            RegistryClient.Document platform = client.manifest(located, chosen.digest(), maxBytes);
            String platformDigest = Digests.of(platform.body());
            if (!platformDigest.equals(chosen.digest())) {
                throw new ImageException(Reason.INVALID, "image " + named + ": registry sent a manifest with digest "
                        + platformDigest + " (expected: " + chosen.digest() + ")");
            }
            JsonNode platformJson = parse(named, platform.body());
            String platformType = mediaType(platformJson, platform.contentType());
            if (isIndex(platformJson, platformType)) {
                throw new ImageException(Reason.UNSUPPORTED, "image " + named + ": an index inside an index ("
                        + chosen.digest() + "; expected: an image manifest per platform)");
            }
            return manifest(named, platformDigest, platformJson, platformType);
        }
        return manifest(named, digest, json, mediaType);
    }

    private static JsonNode parse(ImageReference named, byte[] body) {
        try {
            JsonNode json = Json.mapper().readTree(body);
            if (!json.isObject()) {
                throw new ImageException(Reason.INVALID, "image " + named + ": manifest is not a JSON object");
            }
            return json;
        } catch (JacksonException e) {
            throw new ImageException(Reason.INVALID, "image " + named + ": manifest is not valid JSON ("
                    + e.getOriginalMessage() + ")", e);
        }
    }

    private static String mediaType(JsonNode json, String contentType) {
        String declared = json.path("mediaType").asString("");
        if (!declared.isEmpty()) {
            return declared;
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip();
    }

    private static boolean isIndex(JsonNode json, String mediaType) {
        return mediaType.equals(MediaTypes.OCI_INDEX) || mediaType.equals(MediaTypes.DOCKER_LIST)
                || (json.has("manifests") && !json.has("layers"));
    }

    private Descriptor choose(ImageReference named, JsonNode index) {
        List<Platform> offered = new ArrayList<>();
        Descriptor best = null;
        boolean bestExact = false;
        for (JsonNode entry : index.path("manifests")) {
            JsonNode platform = entry.path("platform");
            String os = platform.path("os").asString("");
            String arch = platform.path("architecture").asString("");
            // Attestations and other artefacts ride in indexes as platform unknown/unknown.
            if (os.isEmpty() || arch.isEmpty() || os.equals("unknown")) {
                continue;
            }
            Platform candidate = new Platform(os, arch, platform.path("variant").asString(""));
            offered.add(candidate);
            if (host.runs(candidate)) {
                boolean exact = candidate.variant().equals(host.variant());
                if (best == null || (exact && !bestExact)) {
                    best = descriptor(named, entry, "index entry");
                    bestExact = exact;
                }
            }
        }
        if (best == null) {
            throw wrongPlatform(named, offered);
        }
        return best;
    }

    public Platform host() {
        return host;
    }

    public ImageException wrongPlatform(ImageReference named, List<Platform> offered) {
        String has = offered.isEmpty() ? "no platform"
                : String.join(", ", offered.stream().map(Platform::toString).distinct().toList()) + " only";
        return new ImageException(Reason.UNSUPPORTED, "image " + named + " has " + has + " (expected: " + host
                + ", the platform this host runs)");
    }

    private ImageManifest manifest(ImageReference named, String digest, JsonNode json, String mediaType) {
        if (json.path("schemaVersion").asInt(0) == 1 || mediaType.equals(MediaTypes.DOCKER_SCHEMA1)
                || mediaType.equals(MediaTypes.DOCKER_SCHEMA1_SIGNED)) {
            throw new ImageException(Reason.UNSUPPORTED, "image " + named + ": Docker schema 1 manifest (expected: "
                    + "an OCI image manifest or Docker schema 2; push the image again with a current tool)");
        }
        // The body's own mediaType is authoritative; a Content-Type alone may be a generic application/json.
        String declared = json.path("mediaType").asString("");
        if (!declared.isEmpty() && !declared.equals(MediaTypes.OCI_MANIFEST)
                && !declared.equals(MediaTypes.DOCKER_MANIFEST)) {
            throw new ImageException(Reason.UNSUPPORTED, "image " + named + ": manifest media type " + declared
                    + " (expected: " + MediaTypes.OCI_MANIFEST + " or " + MediaTypes.DOCKER_MANIFEST + ")");
        }
        if (json.path("schemaVersion").asInt(0) != 2) {
            throw new ImageException(Reason.UNSUPPORTED, "image " + named + ": manifest schemaVersion "
                    + json.path("schemaVersion") + " (expected: 2)");
        }
        Descriptor config = descriptor(named, json.path("config"), "config");
        List<Descriptor> layers = new ArrayList<>();
        for (JsonNode layer : json.path("layers")) {
            Descriptor d = descriptor(named, layer, "layer");
            if (!MediaTypes.LAYERS.contains(d.mediaType())) {
                throw new ImageException(Reason.UNSUPPORTED, "image " + named + ": layer " + d.digest()
                        + " has media type " + d.mediaType() + " (expected: a tar, tar+gzip or tar+zstd layer)");
            }
            layers.add(d);
        }
        return new ImageManifest(digest, config, layers);
    }

    private static Descriptor descriptor(ImageReference named, JsonNode node, String what) {
        String digest = node.path("digest").asString("");
        long size = node.path("size").asLong(-1);
        if (!Digests.valid(digest)) {
            throw new ImageException(digest.startsWith("sha256:") || digest.isEmpty() ? Reason.INVALID
                    : Reason.UNSUPPORTED, "image " + named + ": " + what + " digest " + digest
                    + " (expected: sha256:<64 hex>)");
        }
        if (size < 0) {
            throw new ImageException(Reason.INVALID, "image " + named + ": " + what + " " + digest + " size "
                    + node.path("size") + " (expected: 0 or more)");
        }
        return new Descriptor(node.path("mediaType").asString(""), digest, size);
    }
}
