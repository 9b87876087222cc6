package io.hearth.testing;

import io.hearth.control.S3Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3-compatible server for a test class: s3proxy over a filesystem blob store in a temporary directory, on a
 * loopback port, checking SigV4 with its own key. {@link #client()} is the AWS SDK's S3 client a deploy script would
 * use; {@link #settings()} is what Hearth is started with. {@link #close()} stops it and removes its files.
 */
public final class S3Fixture implements AutoCloseable {
    public static final String ACCESS_KEY = "S3FIXTUREACCESSKEY01";
    public static final String SECRET_KEY = "s3-fixture-secret-key-for-tests-only-0001";

    private final Path dir;
    private final BlobStoreContext context;
    private final S3Proxy proxy;
    private final S3Client client;

    private S3Fixture(Path dir, BlobStoreContext context, S3Proxy proxy) {
        this.dir = dir;
        this.context = context;
        this.proxy = proxy;
        this.client = S3Client.builder()
                .endpointOverride(endpoint())
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .httpClientBuilder(ApacheHttpClient.builder())
                // As any deploy script talking to an S3-compatible store must: s3proxy knows no trailing checksums.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }

    public static S3Fixture start() {
        Path dir;
        try {
            dir = Files.createTempDirectory("hearth-s3-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var properties = new Properties();
        properties.setProperty("jclouds.filesystem.basedir", dir.toString());
        BlobStoreContext context = ContextBuilder.newBuilder("filesystem")
                .credentials("unused", "unused")
                .overrides(properties)
                .build(BlobStoreContext.class);
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(context.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        try {
            proxy.start();
            Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
            while (!"STARTED".equals(proxy.getState())) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("s3proxy did not start within 20 s (state: " + proxy.getState() + ")");
                }
                Thread.sleep(20);
            }
        } catch (Exception e) {
            context.close();
            HearthExtension.deleteTree(dir);
            throw new IllegalStateException("s3proxy: cannot start: " + e, e);
        }
        return new S3Fixture(dir, context, proxy);
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    public S3Client client() {
        return client;
    }

    /** Hearth's settings for this store: path-style, its key. */
    public S3Settings settings() {
        return new S3Settings(endpoint(), "us-east-1", true, Optional.of(ACCESS_KEY), Optional.of(SECRET_KEY));
    }

    @Override
    public void close() {
        client.close();
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("s3proxy: cannot stop: " + e, e);
        } finally {
            context.close();
            HearthExtension.deleteTree(dir);
        }
    }
}
