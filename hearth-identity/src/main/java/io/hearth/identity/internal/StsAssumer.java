package io.hearth.identity.internal;

import io.hearth.identity.CredentialSource;
import io.hearth.identity.RoleCredentials;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * STS AssumeRole with Hearth's own credentials (the SDK's default chain on the host). One client per region, made
 * on first use, so a server whose roles all have static keys never looks for credentials of its own.
 */
public final class StsAssumer implements AutoCloseable {
    private final String defaultRegion;
    private final Map<String, StsClient> clients = new ConcurrentHashMap<>();

    public StsAssumer(String defaultRegion) {
        this.defaultRegion = defaultRegion;
    }

    /** @throws CredentialsUnavailableException when STS refuses or cannot be reached; the message says which */
    public RoleCredentials assume(String roleArn, CredentialSource.AssumeRole source) {
        String region = source.region().orElse(defaultRegion);
        StsClient sts = clients.computeIfAbsent(region, r -> StsClient.builder()
                .region(Region.of(r))
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .build());
        var request = AssumeRoleRequest.builder()
                .roleArn(roleArn)
                .roleSessionName("hearth")
                .durationSeconds((int) source.duration().toSeconds());
        source.externalId().ifPresent(request::externalId);
        try {
            Credentials c = sts.assumeRole(request.build()).credentials();
            return new RoleCredentials(c.accessKeyId(), c.secretAccessKey(), Optional.of(c.sessionToken()),
                    Optional.of(c.expiration()));
        } catch (SdkException e) {
            throw new CredentialsUnavailableException("STS AssumeRole of " + roleArn + " in " + region + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        clients.values().forEach(StsClient::close);
        clients.clear();
    }
}
