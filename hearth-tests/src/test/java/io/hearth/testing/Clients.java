package io.hearth.testing;

import io.hearth.auth.AccessKey;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockagentcore.BedrockAgentCoreClient;
import software.amazon.awssdk.services.bedrockagentcorecontrol.BedrockAgentCoreControlClient;

/** The real, unmodified AWS SDK for Java v2 clients, pointed at a Hearth server by endpoint override only. */
public record Clients(BedrockAgentCoreClient data, BedrockAgentCoreControlClient control) {
    /** The test servers' root key (see {@link Signed#ROOT_KEY}). */
    public static final String ACCESS_KEY_ID = "AKIDEXAMPLE";
    public static final String SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY));

    public static Clients of(URI endpoint) {
        return of(endpoint, CREDENTIALS);
    }

    /** Clients that sign with another key, such as the one a server created and wrote to its credentials file. */
    public static Clients of(URI endpoint, String accessKeyId, String secretAccessKey) {
        return of(endpoint, StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secretAccessKey)));
    }

    /** A data-plane client of {@code key} that does not retry, so that each refusal is seen. */
    public static BedrockAgentCoreClient noRetries(URI endpoint, AccessKey key) {
        return BedrockAgentCoreClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(key.id(), key.secret())))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    private static Clients of(URI endpoint, StaticCredentialsProvider credentials) {
        var data = BedrockAgentCoreClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(credentials)
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(128).socketTimeout(Duration.ofMinutes(2)))
                .build();
        var control = BedrockAgentCoreControlClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(credentials)
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
        return new Clients(data, control);
    }
}
