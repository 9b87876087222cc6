package io.hearth.control.internal;

import io.hearth.api.FileTrees;
import io.hearth.control.ExtractionLimits;
import io.hearth.control.S3Settings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Reads {@code code.s3} from a real S3 API. A prefix naming an object is that object, a zip, read at
 * {@code versionId} when one is given; a prefix naming no object is a "directory": every object under
 * {@code <prefix>/} is one file of the artifact. Downloads stream to disk, within the limits, into a cache keyed by
 * bucket, key, version and ETag, so a version resolved again (at start-up, or another runtime on the same object)
 * downloads nothing. They run on the resolver's background thread, never on a request's.
 *
 * <p>Every tenant reads with the server's credentials: what they can reach, every tenant can deploy from.
 */
final class S3ArtifactSource implements ArtifactSource, AutoCloseable {
    private static final byte[] ZIP_MAGIC = {'P', 'K'};

    private final S3Client client;
    private final String endpoint;
    private final Path cache;
    private final ExtractionLimits limits;

    S3ArtifactSource(S3Settings settings, Path cache, ExtractionLimits limits) {
        AwsCredentialsProvider credentials = settings.accessKeyId().isPresent()
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKeyId().get(),
                        settings.secretAccessKey().orElseThrow()))
                : DefaultCredentialsProvider.builder().build();
        this.client = S3Client.builder()
                .endpointOverride(settings.endpoint())
                .region(Region.of(settings.region()))
                .forcePathStyle(settings.pathStyle())
                .credentialsProvider(credentials)
                .httpClientBuilder(ApacheHttpClient.builder())
                // Checksums only where S3 requires them: many S3-compatible stores know no trailing checksums.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
        this.endpoint = settings.endpoint().toString();
        this.cache = cache;
        this.limits = limits;
        try {
            Files.createDirectories(cache);
            removeLeftovers();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the S3 download cache " + cache + " (expected: a writable data dir)", e);
        }
    }

    @Override
    public Fetched fetch(String tenant, CodeArtifact artifact) {
        try {
            if (!artifact.prefix().endsWith("/")) {
                Optional<Fetched> object = object(artifact);
                if (object.isPresent()) {
                    return object.get();
                }
                if (artifact.versionId().isPresent()) {
                    throw failure(artifact, "NoSuchKey", "no object at that key and version");
                }
            }
            return directory(artifact);
        } catch (S3Exception e) {
            String code = Optional.ofNullable(e.awsErrorDetails()).map(d -> d.errorCode()).orElse("Error")
                    + " (HTTP " + e.statusCode() + ")";
            String message = Optional.ofNullable(e.awsErrorDetails()).map(d -> d.errorMessage()).orElse(e.getMessage());
            throw failure(artifact, code, message);
        } catch (SdkException e) {
            throw new ArtifactException("artifact " + where(artifact) + ": cannot read it from " + endpoint + " ("
                    + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new ArtifactException("artifact " + where(artifact) + ": cannot store it under " + cache + " ("
                    + e.getMessage() + ")", e);
        }
    }

    /** The object at the prefix, or empty when there is none (then the prefix may be a directory). */
    private Optional<Fetched> object(CodeArtifact artifact) throws IOException {
        ResponseInputStream<GetObjectResponse> body;
        try {
            body = client.getObject(r -> r.bucket(artifact.bucket()).key(artifact.prefix())
                    .versionId(artifact.versionId().orElse(null)));
        } catch (S3Exception e) {
            if (e.statusCode() == 404 && artifact.versionId().isEmpty()
                    && Optional.ofNullable(e.awsErrorDetails()).map(d -> d.errorCode()).orElse("NoSuchKey").equals("NoSuchKey")) {
                return Optional.empty();
            }
            throw e;
        }
        try (body) {
            GetObjectResponse head = body.response();
            if (head.contentLength() != null && head.contentLength() > limits.maxObjectBytes()) {
                body.abort();
                throw failure(artifact, "TooLarge", head.contentLength() + " bytes (expected: at most "
                        + limits.maxObjectBytes() + " bytes zipped)");
            }
            String identity = String.join("\n", artifact.bucket(), artifact.prefix(),
                    artifact.versionId().orElse(Optional.ofNullable(head.versionId()).orElse("")),
                    Optional.ofNullable(head.eTag()).orElse(UUID.randomUUID().toString()));
            Path cached = cache.resolve(hash(identity) + ".zip");
            if (Files.isRegularFile(cached)) {
                body.abort();
            } else {
                Path partial = cache.resolve(".partial-" + UUID.randomUUID());
                try {
                    copy(body, partial, limits.maxObjectBytes(), artifact);
                    if (!startsWithZipMagic(partial)) {
                        throw failure(artifact, "NotAZip", "the object is not a zip archive (expected: a .zip, "
                                + "or a prefix of files)");
                    }
                    Files.move(partial, cached, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } finally {
                    Files.deleteIfExists(partial);
                }
            }
            return Optional.of(new Fetched(cached, () -> FileTrees.deleteQuietly(cached)));
        }
    }

    /** Every object under {@code <prefix>/}, as one tree. */
    private Fetched directory(CodeArtifact artifact) throws IOException {
        String prefix = artifact.prefix().endsWith("/") ? artifact.prefix() : artifact.prefix() + "/";
        var objects = new ArrayList<S3Object>();
        long declared = 0;
        for (S3Object object : client.listObjectsV2Paginator(r -> r.bucket(artifact.bucket()).prefix(prefix)).contents()) {
            if (object.key().endsWith("/")) {
                continue; // a console's "folder" marker
            }
            objects.add(object);
            declared += object.size();
            if (objects.size() > limits.maxEntries()) {
                throw failure(artifact, "TooLarge", "more than " + limits.maxEntries() + " objects under s3://"
                        + artifact.bucket() + "/" + prefix);
            }
            if (declared > limits.maxTotalBytes()) {
                throw failure(artifact, "TooLarge", "the objects under s3://" + artifact.bucket() + "/" + prefix
                        + " add up to more than " + limits.maxTotalBytes() + " bytes");
            }
        }
        if (objects.isEmpty()) {
            throw failure(artifact, "NoSuchKey", "no object s3://" + artifact.bucket() + "/" + artifact.prefix()
                    + " and no objects under s3://" + artifact.bucket() + "/" + prefix
                    + " (expected: a .zip object, or a prefix of files)");
        }
        var identity = new StringBuilder(artifact.bucket()).append('\n').append(prefix);
        objects.forEach(o -> identity.append('\n').append(o.key()).append('\n').append(o.eTag()));
        Path cached = cache.resolve(hash(identity.toString()) + ".d");
        if (!Files.isDirectory(cached)) {
            Path partial = cache.resolve(".partial-" + UUID.randomUUID());
            try {
                Files.createDirectories(partial);
                for (S3Object object : objects) {
                    String name = object.key().substring(prefix.length());
                    if (name.startsWith("/") || List.of(name.split("/")).contains("..")) {
                        throw failure(artifact, "BadKey", "object " + object.key() + " would leave the artifact's root "
                                + "(expected: keys without '..' segments)");
                    }
                    Path target = partial.resolve(name).normalize();
                    Files.createDirectories(target.getParent());
                    try (var body = client.getObject(r -> r.bucket(artifact.bucket()).key(object.key()).ifMatch(object.eTag()))) {
                        copy(body, target, limits.maxFileBytes(), artifact);
                    }
                }
                Files.move(partial, cached, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                FileTrees.deleteQuietly(partial);
            }
        }
        return new Fetched(cached, () -> FileTrees.deleteQuietly(cached));
    }

    private void copy(InputStream in, Path target, long limit, CodeArtifact artifact) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long written = 0;
        try (OutputStream out = Files.newOutputStream(target)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                written += n;
                if (written > limit) {
                    throw failure(artifact, "TooLarge", "an object is larger than " + limit + " bytes");
                }
                out.write(buffer, 0, n);
            }
        }
    }

    private static boolean startsWithZipMagic(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(2);
            return head.length == 2 && head[0] == ZIP_MAGIC[0] && head[1] == ZIP_MAGIC[1];
        }
    }

    private ArtifactException failure(CodeArtifact artifact, String code, String message) {
        return new ArtifactException("artifact " + where(artifact) + ": " + code + ": " + message);
    }

    private static String where(CodeArtifact artifact) {
        return artifact.location() + artifact.versionId().map(v -> " (versionId " + v + ")").orElse("");
    }

    private static String hash(String identity) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(identity.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Partial downloads a crash left behind. */
    private void removeLeftovers() throws IOException {
        try (Stream<Path> entries = Files.list(cache)) {
            entries.filter(p -> p.getFileName().toString().startsWith(".partial-")).forEach(FileTrees::deleteQuietly);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
