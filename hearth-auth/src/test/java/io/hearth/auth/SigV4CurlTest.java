package io.hearth.auth;

import static io.hearth.auth.SdkSigner.ENCODED_ARN;
import static io.hearth.auth.SdkSigner.KEY;
import static io.hearth.auth.SdkSigner.T0;
import static io.hearth.auth.SdkSigner.received;
import static io.hearth.auth.SdkSigner.request;
import static io.hearth.auth.SdkSigner.sign;
import static io.hearth.auth.SdkSigner.verifierAt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;

/**
 * Requests signed the way {@code curl --aws-sigv4} signs: the path as sent (not encoded once more), and without
 * {@code x-amz-content-sha256}, so the signature covers the hash of a body the verifier only sees as it streams.
 */
class SigV4CurlTest {
    private static final AccessKey CURL_KEY = new AccessKey("AKIDCURL", "curlsecret", SdkSigner.TENANT, true);
    private static final String BODY = "{\"prompt\":\"hello\"}";
    private static final String MISMATCH = "The request signature we calculated does not match the signature you "
            + "provided. Check your AWS Secret Access Key and signing method. Consult the service documentation "
            + "for details.";

    /**
     * Sent by curl 7.88.1: {@code curl --aws-sigv4 aws:amz:eu-west-1:bedrock-agentcore --user AKIDCURL:curlsecret
     * -H 'Content-Type: application/json' -H 'X-Amzn-...-Session-Id: c...' --data '{"prompt":"hello"}' URL}.
     */
    private static SignedRequest curlInvoke(String signature) {
        return new SignedRequest("POST", "/runtimes/" + ENCODED_ARN + "/invocations", "qualifier=DEFAULT", Map.of(
                "Host", List.of("127.0.0.1:38123"),
                "Authorization", List.of("AWS4-HMAC-SHA256 Credential=AKIDCURL/20261130/eu-west-1/bedrock-agentcore/"
                        + "aws4_request, SignedHeaders=content-type;host;x-amz-date;"
                        + "x-amzn-bedrock-agentcore-runtime-session-id, Signature=" + signature),
                "X-Amz-Date", List.of("20261130T182401Z"),
                "User-Agent", List.of("curl/7.88.1"),
                "Accept", List.of("*/*"),
                "Content-Type", List.of("application/json"),
                "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id", List.of("c".repeat(40)),
                "Content-Length", List.of("18")), SignedRequest.Body.STREAMED);
    }

    private static final String CURL_SIGNATURE = "2ad8275dc8d73dfa9c4374009141e31b19d5545b3ee80036cc4f8b161bdbd344";

    private static SigV4Verifier curlVerifier(String now) {
        return new SigV4Verifier(AccessKeys.of(CURL_KEY), Clock.fixed(Instant.parse(now), ZoneOffset.UTC));
    }

    private static void feed(PayloadCheck check, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        check.update(bytes, 0, 7);
        check.update(bytes, 7, bytes.length - 7);
        check.finish();
    }

    @Test
    void curlsPostIsVerifiedAtTheEndOfItsBody() {
        Verification verification = curlVerifier("2026-11-30T18:25:00Z").verify(curlInvoke(CURL_SIGNATURE));

        assertThat(verification.signatureDeferred()).isTrue();
        assertThat(verification.principal().identity()).isEqualTo("AKIDCURL");
        feed(verification.payload(), BODY);
    }

    @Test
    void curlsPostWithAnotherBodyFailsAtTheEnd() {
        Verification verification = curlVerifier("2026-11-30T18:25:00Z").verify(curlInvoke(CURL_SIGNATURE));

        assertThatThrownBy(() -> feed(verification.payload(), "{\"prompt\":\"HELLO\"}"))
                .isInstanceOf(AuthException.InvalidSignature.class)
                .hasMessage(MISMATCH);
    }

    @Test
    void aForgedDeferredSignatureFailsAtTheEnd() {
        Verification verification = curlVerifier("2026-11-30T18:25:00Z").verify(curlInvoke("0".repeat(64)));

        assertThatThrownBy(() -> feed(verification.payload(), BODY))
                .isInstanceOf(AuthException.InvalidSignature.class)
                .hasMessage(MISMATCH);
    }

    @Test
    void curlsGetIsVerifiedAtOnce() {
        // curl 7.88.1: curl --aws-sigv4 aws:amz:eu-west-1:bedrock-agentcore ... 'URL/runtimes/?maxResults=5&nextToken=a%20b%2Fc'
        SignedRequest request = new SignedRequest("GET", "/runtimes/", "maxResults=5&nextToken=a%20b%2Fc", Map.of(
                "Host", List.of("127.0.0.1:38123"),
                "Authorization", List.of("AWS4-HMAC-SHA256 Credential=AKIDCURL/20261130/eu-west-1/bedrock-agentcore/"
                        + "aws4_request, SignedHeaders=host;x-amz-date, "
                        + "Signature=40a91c36492e85a1dbe7e8eb7fd720dc95d8df306c51b8f5565c42fdd25e663c"),
                "X-Amz-Date", List.of("20261130T182403Z"),
                "User-Agent", List.of("curl/7.88.1"),
                "Accept", List.of("*/*")), SignedRequest.Body.NONE);

        Verification verification = curlVerifier("2026-11-30T18:24:03Z").verify(request);

        assertThat(verification.signatureDeferred()).isFalse();
        assertThat(verification.principal().identity()).isEqualTo("AKIDCURL");
        verification.payload().finish();
    }

    @Test
    void theSdkSignerSigningThePathAsSentIsAccepted() {
        var signed = sign(request(SdkHttpMethod.POST,
                        "http://127.0.0.1:8080/runtimes/" + ENCODED_ARN + "/invocations?qualifier=DEFAULT")
                        .putHeader("Content-Type", "application/json")
                        .contentStreamProvider(ContentStreamProvider.fromUtf8String(BODY))
                        .build(),
                KEY, r -> r.putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, false));

        Verification verification = verifierAt(T0).verify(received(signed, SignedRequest.Body.STREAMED));

        assertThat(verification.principal().identity()).isEqualTo(KEY.id());
        feed(verification.payload(), BODY);
    }
}
