package io.hearth.auth;

import static io.hearth.auth.SdkSigner.ENCODED_ARN;
import static io.hearth.auth.SdkSigner.KEY;
import static io.hearth.auth.SdkSigner.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;

/** Hearth's own signer signs byte for byte as the AWS SDK's signer does, and the verifier accepts it. */
class SigV4SignerTest {
    private final SigV4Signer signer = new SigV4Signer(KEY, "us-east-1", Clock.fixed(T0, ZoneOffset.UTC));

    @Test
    void signsAnInvokeWithAnEncodedArnAsTheSdkDoes() {
        String uri = "http://127.0.0.1:8080/runtimes/" + ENCODED_ARN + "/invocations?qualifier=DEFAULT";
        byte[] body = "{\"prompt\":\"hi\"}".getBytes(StandardCharsets.UTF_8);
        var ours = signer.sign("POST", URI.create(uri), Map.of("Content-Type", "application/json"), SigV4Signer.sha256Hex(body));

        var sdk = SdkSigner.sign(SdkSigner.request(SdkHttpMethod.POST, uri).putHeader("Content-Type", "application/json")
                .contentStreamProvider(() -> new java.io.ByteArrayInputStream(body)).build());
        assertThat(ours.get("Authorization")).isEqualTo(sdk.firstMatchingHeader("Authorization").orElseThrow());

        var received = received("POST", uri, ours, Map.of("Content-Type", "application/json"));
        var verification = SdkSigner.verifierAt(T0).verify(received);
        verification.payload().update(java.nio.ByteBuffer.wrap(body));
        verification.payload().finish();
        assertThat(verification.principal().identity()).isEqualTo(KEY.id());
    }

    @Test
    void aPresignedUrlVerifies() {
        URI url = signer.presign("GET", URI.create("http://127.0.0.1:8080/runtimes/" + ENCODED_ARN + "/ws?qualifier=DEFAULT"),
                Duration.ofSeconds(300));
        var received = new SignedRequest("GET", url.getRawPath(), url.getRawQuery(), Map.of("Host", List.of("127.0.0.1:8080")),
                SignedRequest.Body.NONE);
        assertThat(SdkSigner.verifierAt(T0.plusSeconds(299)).verify(received).principal().identity()).isEqualTo(KEY.id());
        assertThatThrownBy(() -> SdkSigner.verifierAt(T0.plusSeconds(301)).verify(received))
                .isInstanceOf(AuthException.InvalidSignature.class);
    }

    @Test
    void presigningRefusesAnExpiryOverFiveMinutes() {
        assertThatThrownBy(() -> signer.presign("GET", URI.create("http://h/x"), Duration.ofSeconds(301)))
                .hasMessageContaining("expires: PT5M1S (expected: 1 to 300 s)");
    }

    private static SignedRequest received(String method, String uri, Map<String, String> added, Map<String, String> sent) {
        URI u = URI.create(uri);
        Map<String, List<String>> headers = new HashMap<>();
        sent.forEach((n, v) -> headers.put(n, List.of(v)));
        added.forEach((n, v) -> headers.put(n, List.of(v)));
        headers.put("Host", List.of(u.getHost() + ":" + u.getPort()));
        return new SignedRequest(method, u.getRawPath(), u.getRawQuery(), headers, SignedRequest.Body.STREAMED);
    }
}
