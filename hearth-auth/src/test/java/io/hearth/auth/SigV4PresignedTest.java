package io.hearth.auth;

import static io.hearth.auth.SdkSigner.ENCODED_ARN;
import static io.hearth.auth.SdkSigner.KEY;
import static io.hearth.auth.SdkSigner.T0;
import static io.hearth.auth.SdkSigner.presign;
import static io.hearth.auth.SdkSigner.received;
import static io.hearth.auth.SdkSigner.request;
import static io.hearth.auth.SdkSigner.verifierAt;
import static io.hearth.auth.SdkSigner.withHeader;
import static io.hearth.auth.SdkSigner.withQuery;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.SdkHttpMethod;

/** Presigned URLs (query auth), as the WebSocket clients use them, presigned by the AWS SDK for Java v2's signer. */
class SigV4PresignedTest {
    private static final String SESSION = "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id";

    private final SigV4Verifier verifier = verifierAt(T0);

    private static SignedRequest presigned(String base, Duration expiry) {
        return received(presign(request(SdkHttpMethod.GET, base + "/runtimes/" + ENCODED_ARN + "/ws")
                .putRawQueryParameter("qualifier", "DEFAULT")
                .putRawQueryParameter(SESSION, "w".repeat(40))
                .build(), expiry), SignedRequest.Body.NONE);
    }

    private static SignedRequest webSocket() {
        return presigned("http://127.0.0.1:8080", Duration.ofSeconds(300));
    }

    @Test
    void aPresignedUrlIsTheKeysPrincipal() {
        SignedRequest request = webSocket();
        assertThat(request.rawQuery()).contains("X-Amz-Signature=").contains("X-Amz-Expires=300");
        assertThat(request.header("Authorization")).isEmpty();

        Verification verification = verifier.verify(request);

        assertThat(verification.principal().identity()).isEqualTo(KEY.id());
        assertThat(verification.signatureDeferred()).isFalse();
        verification.payload().finish();
    }

    @Test
    void moreThanThreeHundredSecondsIsRefused() {
        SignedRequest request = presigned("http://127.0.0.1:8080", Duration.ofSeconds(301));

        assertThatThrownBy(() -> verifier.verify(request))
                .isInstanceOf(AuthException.InvalidSignature.class)
                .hasMessage("X-Amz-Expires must be at most 300 seconds, not 301.");
    }

    @Test
    void anExpiredUrlIsRefused() {
        SignedRequest request = webSocket();

        assertThat(verifierAt(T0.plusSeconds(300)).verify(request).principal().identity()).isEqualTo(KEY.id());
        assertThatThrownBy(() -> verifierAt(T0.plusSeconds(301)).verify(request))
                .isInstanceOf(AuthException.InvalidSignature.class)
                .hasMessage("Signature expired: 20260304T050607Z is now earlier than 20260304T050608Z "
                        + "(20260304T051108Z - 300 sec.)");
        assertThatThrownBy(() -> verifierAt(T0.minus(Duration.ofMinutes(16))).verify(request))
                .isInstanceOf(AuthException.InvalidSignature.class)
                .hasMessageStartingWith("Signature not yet current: 20260304T050607Z is still later than");
    }

    @Test
    void aUrlSignedForTheHostWithoutItsPortIsAcceptedOnHostAndPort() {
        SignedRequest signedWithoutPort = presigned("http://127.0.0.1", Duration.ofSeconds(60));
        assertThat(signedWithoutPort.header("Host")).contains("127.0.0.1");

        SignedRequest connected = withHeader(signedWithoutPort, "Host", "127.0.0.1:8080");

        assertThat(verifier.verify(connected).principal().identity()).isEqualTo(KEY.id());
        assertThat(verifier.verify(withHeader(webSocket(), "Host", "127.0.0.1:8080")).principal().identity())
                .isEqualTo(KEY.id());
    }

    @Test
    void anotherHostOrPortIsRefused() {
        assertThatThrownBy(() -> verifier.verify(withHeader(webSocket(), "Host", "127.0.0.1:9090")))
                .isInstanceOf(AuthException.InvalidSignature.class);
        assertThatThrownBy(() -> verifier.verify(withHeader(webSocket(), "Host", "localhost:8080")))
                .isInstanceOf(AuthException.InvalidSignature.class);
    }

    @Test
    void aTamperedOrAddedQueryParameterIsRefused() {
        SignedRequest request = webSocket();

        assertThatThrownBy(() -> verifier.verify(withQuery(request, request.rawQuery().replace("wwww", "vvvv"))))
                .isInstanceOf(AuthException.InvalidSignature.class);
        assertThatThrownBy(() -> verifier.verify(withQuery(request, request.rawQuery() + "&extra=1")))
                .isInstanceOf(AuthException.InvalidSignature.class);
        assertThatThrownBy(() -> verifier.verify(withQuery(request,
                request.rawQuery().replace("X-Amz-Expires=300", "X-Amz-Expires=299"))))
                .isInstanceOf(AuthException.InvalidSignature.class);
    }

    @Test
    void missingParametersAreNamed() {
        SignedRequest request = webSocket();
        String query = request.rawQuery().replaceAll("&?X-Amz-Credential=[^&]*", "")
                .replaceAll("&?X-Amz-Expires=[^&]*", "");

        assertThatThrownBy(() -> verifier.verify(withQuery(request, query)))
                .isInstanceOf(AuthException.IncompleteSignature.class)
                .hasMessage("AWS query-string parameters must include 'X-Amz-Credential'. AWS query-string "
                        + "parameters must include 'X-Amz-Expires'. Re-examine the query-string parameters.");
    }

    @Test
    void aSessionTokenInTheQueryIsUnrecognized() {
        SignedRequest request = webSocket();

        assertThatThrownBy(() -> verifier.verify(withQuery(request, request.rawQuery() + "&X-Amz-Security-Token=t")))
                .isInstanceOf(AuthException.UnrecognizedClient.class)
                .hasMessage("The security token included in the request is invalid.");
    }

    @Test
    void aHeaderAndAQuerySignatureTogetherAreRefused() {
        SignedRequest request = withHeader(webSocket(), "Authorization",
                "AWS4-HMAC-SHA256 Credential=x, SignedHeaders=host, Signature=00");

        assertThatThrownBy(() -> verifier.verify(request))
                .isInstanceOf(AuthException.IncompleteSignature.class)
                .hasMessageStartingWith("Only one auth mechanism allowed");
    }
}
