package io.hearth.auth;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/** Signs requests with the AWS SDK for Java v2's own SigV4 signer, and shows them to the verifier as the edge would. */
final class SdkSigner {
    static final Instant T0 = Instant.parse("2026-03-04T05:06:07Z");
    static final String TENANT = "123456789012";
    static final AccessKey KEY = new AccessKey("AKIAHEARTHEXAMPLE01", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            TENANT, true);
    static final AccessKey DISABLED = new AccessKey("AKIAHEARTHDISABLED1", "disabled/secret", TENANT, false);
    /** arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/agent-abc, as the SDKs put it in the path. */
    static final String ENCODED_ARN = "arn%3Aaws%3Abedrock-agentcore%3Aus-east-1%3A123456789012%3Aruntime%2Fagent-abc";

    private SdkSigner() {}

    static SigV4Verifier verifierAt(Instant now) {
        return new SigV4Verifier(AccessKeys.of(KEY, DISABLED), Clock.fixed(now, ZoneOffset.UTC));
    }

    static SdkHttpFullRequest.Builder request(SdkHttpMethod method, String uri) {
        return SdkHttpFullRequest.builder().method(method).uri(URI.create(uri));
    }

    /** Signs in the Authorization header, as the SDK clients do, for {@code bedrock-agentcore} in us-east-1. */
    static SdkHttpRequest sign(SdkHttpFullRequest request) {
        return sign(request, KEY, r -> {});
    }

    static SdkHttpRequest sign(SdkHttpFullRequest request, AccessKey key,
            Consumer<SignRequest.Builder<AwsCredentialsIdentity>> options) {
        return sign(request, AwsCredentialsIdentity.create(key.id(), key.secret()), options);
    }

    static SdkHttpRequest sign(SdkHttpFullRequest request, AwsCredentialsIdentity identity,
            Consumer<SignRequest.Builder<AwsCredentialsIdentity>> options) {
        return AwsV4HttpSigner.create().sign((SignRequest.Builder<AwsCredentialsIdentity> r) -> {
            r.request(request)
                    .identity(identity)
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "bedrock-agentcore")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                    .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, Clock.fixed(T0, ZoneOffset.UTC));
            request.contentStreamProvider().ifPresent(r::payload);
            options.accept(r);
        }).request();
    }

    /** Signs in the query, as a presigned URL, valid for {@code expiry}. */
    static SdkHttpRequest presign(SdkHttpFullRequest request, Duration expiry) {
        return sign(request, KEY, r -> r
                .putProperty(AwsV4FamilyHttpSigner.AUTH_LOCATION, AwsV4FamilyHttpSigner.AuthLocation.QUERY_STRING)
                .putProperty(AwsV4FamilyHttpSigner.EXPIRATION_DURATION, expiry));
    }

    /** The request as it arrives: the path and query still encoded, every header the client sent. */
    static SignedRequest received(SdkHttpRequest signed, SignedRequest.Body body) {
        return new SignedRequest(signed.method().name(), signed.encodedPath(),
                Optional.ofNullable(signed.getUri().getRawQuery()).orElse(""), signed.headers(), body);
    }

    static SignedRequest withHeader(SignedRequest request, String name, String value) {
        Map<String, List<String>> headers = new HashMap<>();
        request.headers().forEach((n, v) -> {
            if (!n.equalsIgnoreCase(name)) {
                headers.put(n, v);
            }
        });
        headers.put(name, List.of(value));
        return new SignedRequest(request.method(), request.rawPath(), request.rawQuery(), headers, request.body());
    }

    static SignedRequest withoutHeader(SignedRequest request, String name) {
        Map<String, List<String>> headers = new HashMap<>(request.headers());
        headers.keySet().removeIf(n -> n.equalsIgnoreCase(name));
        return new SignedRequest(request.method(), request.rawPath(), request.rawQuery(), headers, request.body());
    }

    static SignedRequest withQuery(SignedRequest request, String rawQuery) {
        return new SignedRequest(request.method(), request.rawPath(), rawQuery, request.headers(), request.body());
    }
}
