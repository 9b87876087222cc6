package io.hearth.control;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.Optional;

/**
 * Where {@code codeConfiguration.code.s3} is read from when it is a real S3 API: AWS, or any S3-compatible store.
 *
 * @param endpoint        the S3 API's base URL ({@code https://s3.us-east-1.amazonaws.com}, {@code http://minio:9000})
 * @param region          the region requests are signed for
 * @param pathStyle       {@code http://host/bucket/key} rather than {@code http://bucket.host/key}: what most
 *                        S3-compatible stores need
 * @param accessKeyId     with {@code secretAccessKey}, explicit credentials; both empty: the SDK's default chain
 *                        (environment, profile, container or instance role)
 * @param secretAccessKey see {@code accessKeyId}
 */
public record S3Settings(URI endpoint, String region, boolean pathStyle, Optional<String> accessKeyId,
        Optional<String> secretAccessKey) {
    public S3Settings {
        requireNonNull(endpoint, "endpoint");
        requireNonNull(region, "region");
        requireNonNull(accessKeyId, "accessKeyId");
        requireNonNull(secretAccessKey, "secretAccessKey");
        if (!"http".equals(endpoint.getScheme()) && !"https".equals(endpoint.getScheme()) || endpoint.getHost() == null) {
            throw new IllegalArgumentException("s3 endpoint: " + endpoint + " (expected: an http:// or https:// URL)");
        }
        if (!region.matches("[a-z0-9-]{1,64}")) {
            throw new IllegalArgumentException("s3 region: " + region + " (expected: a region name such as us-east-1)");
        }
        if (accessKeyId.isPresent() != secretAccessKey.isPresent()) {
            throw new IllegalArgumentException("s3 credentials: an access key id without its secret, or the reverse "
                    + "(expected: both, or neither for the default chain)");
        }
    }
}
