package io.hearth.auth;

import static io.hearth.auth.SdkSigner.ENCODED_ARN;
import static io.hearth.auth.SdkSigner.KEY;
import static io.hearth.auth.SdkSigner.T0;
import static io.hearth.auth.SdkSigner.TENANT;
import static io.hearth.auth.SdkSigner.received;
import static io.hearth.auth.SdkSigner.request;
import static io.hearth.auth.SdkSigner.sign;
import static io.hearth.auth.SdkSigner.verifierAt;
import static io.hearth.auth.SdkSigner.withHeader;
import static io.hearth.auth.SdkSigner.withoutHeader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/** Header-signed requests (Authorization: AWS4-HMAC-SHA256), signed by the AWS SDK for Java v2's own signer. */
class SigV4VerifierTest {
    private static final String MISMATCH = "The request signature we calculated does not match the signature you "
            + "provided. Check your AWS Secret Access Key and signing method. Consult the service documentation "
            + "for details.";
    private static final String BODY = "{\"prompt\":\"hello\"}";

    private final SigV4Verifier verifier = verifierAt(T0);

    private static SdkHttpFullRequest invoke() {
        return request(SdkHttpMethod.POST,
                "http://127.0.0.1:8080/runtimes/" + ENCODED_ARN + "/invocations?qualifier=DEFAULT")
                .putHeader("Content-Type", "application/json")
                .putHeader("X-Amzn-Bedrock-AgentCore-Runtime-Session-Id", "s".repeat(40))
                .contentStreamProvider(ContentStreamProvider.fromUtf8String(BODY))
                .build();
    }

    private static SignedRequest signedInvoke() {
        return received(sign(invoke()), SignedRequest.Body.STREAMED);
    }

    private static void feed(PayloadCheck check, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i += 5) {
            check.update(ByteBuffer.wrap(bytes, i, Math.min(5, bytes.length - i)));
        }
        check.finish();
    }

    @Test
    void invokeWithAnEncodedArnIsTheKeysPrincipal() {
        SignedRequest request = signedInvoke();
        assertThat(request.rawPath()).contains("arn%3Aaws%3A").contains("%2Fagent-abc");

        Verification verification = verifier.verify(request);

        assertThat(verification.principal())
                .isEqualTo(new Principal(TENANT, Principal.Kind.ACCESS_KEY, KEY.id(), Optional.empty()));
        assertThat(verification.signatureDeferred()).isFalse();
        feed(verification.payload(), BODY);
    }

    @Test
    void controlPlanePutWithAJsonBody() {
        String body = "{\"description\":\"v2\",\"agentRuntimeArtifact\":{\"codeConfiguration\":{}}}";
        SdkHttpRequest signed = sign(request(SdkHttpMethod.PUT, "http://localhost:9000/runtimes/agent-abc/")
                .putHeader("Content-Type", "application/json")
                .contentStreamProvider(ContentStreamProvider.fromUtf8String(body))
                .build());

        Verification verification = verifier.verify(received(signed, SignedRequest.Body.STREAMED));

        assertThat(verification.principal().identity()).isEqualTo(KEY.id());
        feed(verification.payload(), body);
    }

    @Test
    void getWithQueryParametersThatNeedEncoding() {
        SdkHttpRequest signed = sign(request(SdkHttpMethod.GET, "http://127.0.0.1:8080/runtimes/")
                .putRawQueryParameter("nextToken", "a b/c+d*e~f=g&h")
                .putRawQueryParameter("maxResults", "5")
                .putRawQueryParameter("empty", "")
                .build());
        assertThat(signed.getUri().getRawQuery()).contains("%20").contains("%2F").contains("%2B").contains("%2A");

        Verification verification = verifier.verify(received(signed, SignedRequest.Body.NONE));

        assertThat(verification.principal().identity()).isEqualTo(KEY.id());
        assertThat(verification.payload().needsBody()).isTrue();
        verification.payload().finish();
    }

    @Test
    void aForgedSignatureIsRefused() {
        SignedRequest request = signedInvoke();
        String authorization = request.header("Authorization").orElseThrow();
        String forged = authorization.substring(0, authorization.length() - 1)
                + (authorization.endsWith("0") ? "1" : "0");

        assertThatThrownBy(() -> verifier.verify(withHeader(request, "Authorization", forged)))
                .isInstanceOf(AuthException.InvalidSignature.class)
                .hasMessage(MISMATCH);
    }

    @Test
    void aSignatureFromAnotherSecretIsRefused() {
        AccessKey sameIdOtherSecret = new AccessKey(KEY.id(), "another-secret", TENANT, true);
        SignedRequest request = received(sign(invoke(), sameIdOtherSecret, r -> {}), SignedRequest.Body.STREAMED);

        assertThatThrownBy(() -> verifier.verify(request))
                .isInstanceOf(AuthException.InvalidSignature.class)
                .hasMessage(MISMATCH);
    }

    @Test
    void aSigningTimeOutsideFifteenMinutesIsRefused() {
        SignedRequest request = signedInvoke();

        assertThatThrownBy(() -> verifierAt(T0.plus(Duration.ofMinutes(16))).verify(request))
                .isInstanceOf(AuthException.InvalidSignature.class)
                .hasMessage("Signature expired: 20260304T050607Z is now earlier than 20260304T050707Z "
                        + "(20260304T052207Z - 15 min.)");
        assertThatThrownBy(() -> verifierAt(T0.minus(Duration.ofMinutes(16))).verify(request))
                .isInstanceOf(AuthException.InvalidSignature.class)
                .hasMessage("Signature not yet current: 20260304T050607Z is still later than 20260304T050507Z "
                        + "(20260304T045007Z + 15 min.)");
    }

    @Test
    void aReplayIsAcceptedInsideTheWindowOnly() {
        SignedRequest request = signedInvoke();

        assertThat(verifierAt(T0.plus(Duration.ofMinutes(15))).verify(request).principal().identity())
                .isEqualTo(KEY.id());
        assertThatThrownBy(() -> verifierAt(T0.plus(Duration.ofMinutes(15)).plusSeconds(1)).verify(request))
                .isInstanceOf(AuthException.InvalidSignature.class)
                .hasMessageStartingWith("Signature expired: 20260304T050607Z is now earlier than");
    }

    @Test
    void anyRegionIsAccepted() {
        SignedRequest request = received(
                sign(invoke(), KEY, r -> r.putProperty(AwsV4HttpSigner.REGION_NAME, "eu-central-1")),
                SignedRequest.Body.STREAMED);
        assertThat(request.header("Authorization").orElseThrow()).contains("/eu-central-1/bedrock-agentcore/");

        assertThat(verifier.verify(request).principal().identity()).isEqualTo(KEY.id());
    }

    @Test
    void anotherServiceIsRefused() {
        for (String service : new String[] {"bedrock-agentcore-control", "execute-api"}) {
            SignedRequest request = received(
                    sign(invoke(), KEY, r -> r.putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)),
                    SignedRequest.Body.STREAMED);

            assertThatThrownBy(() -> verifier.verify(request))
                    .isInstanceOf(AuthException.InvalidSignature.class)
                    .hasMessage("Credential should be scoped to correct service: 'bedrock-agentcore'.");
        }
    }

    @Test
    void aTamperedBodyFailsThePayloadCheck() {
        Verification verification = verifier.verify(signedInvoke());

        assertThatThrownBy(() -> feed(verification.payload(), "{\"prompt\":\"HELLO\"}"))
                .isInstanceOf(AuthException.InvalidSignature.class)
                .hasMessage("The provided 'x-amz-content-sha256' header does not match what was computed.");
    }

    @Test
    void aTamperedDeclaredHashFailsTheSignature() {
        SignedRequest request = withHeader(signedInvoke(), "x-amz-content-sha256", "0".repeat(64));

        assertThatThrownBy(() -> verifier.verify(request))
                .isInstanceOf(AuthException.InvalidSignature.class)
                .hasMessage(MISMATCH);
    }

    @Test
    void aTamperedSignedHeaderIsRefused() {
        SignedRequest request = withHeader(signedInvoke(), "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id",
                "t".repeat(40));

        assertThatThrownBy(() -> verifier.verify(request))
                .isInstanceOf(AuthException.InvalidSignature.class)
                .hasMessage(MISMATCH);
    }

    @Test
    void aTamperedPathOrQueryIsRefused() {
        SignedRequest request = signedInvoke();
        SignedRequest otherPath = new SignedRequest(request.method(),
                request.rawPath().replace("agent-abc", "agent-xyz"), request.rawQuery(), request.headers(),
                request.body());
        SignedRequest otherQuery = SdkSigner.withQuery(request, "qualifier=prod");

        assertThatThrownBy(() -> verifier.verify(otherPath)).isInstanceOf(AuthException.InvalidSignature.class);
        assertThatThrownBy(() -> verifier.verify(otherQuery)).isInstanceOf(AuthException.InvalidSignature.class);
    }

    @Test
    void aSignedHeaderMissingFromTheRequestIsNamed() {
        SignedRequest request = withoutHeader(signedInvoke(), "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id");

        assertThatThrownBy(() -> verifier.verify(request))
                .isInstanceOf(AuthException.InvalidSignature.class)
                .hasMessage(MISMATCH
                        + " Signed header 'x-amzn-bedrock-agentcore-runtime-session-id' is not in the request.");
    }

    @Test
    void anUnsignedHeaderAddedOnTheWayIsFine() {
        SignedRequest request = withHeader(signedInvoke(), "X-Forwarded-For", "10.0.0.1");

        assertThat(verifier.verify(request).principal().identity()).isEqualTo(KEY.id());
    }

    @Test
    void headerValuesAreComparedTrimmedWithSpacesCollapsed() {
        SdkHttpRequest signed = sign(request(SdkHttpMethod.GET, "http://127.0.0.1:8080/runtimes/")
                .putHeader("X-Amzn-Bedrock-AgentCore-Runtime-Custom-Note", "two  words")
                .build());
        SignedRequest request = withHeader(received(signed, SignedRequest.Body.NONE),
                "X-Amzn-Bedrock-AgentCore-Runtime-Custom-Note", "  two \t words ");

        assertThat(verifier.verify(request).principal().identity()).isEqualTo(KEY.id());
    }

    @Test
    void unknownAndDisabledKeysAreUnrecognized() {
        AccessKey unknown = new AccessKey("AKIAHEARTHUNKNOWN01", "whatever", TENANT, true);
        for (AccessKey key : new AccessKey[] {unknown, SdkSigner.DISABLED}) {
            SignedRequest request = received(sign(invoke(), key, r -> {}), SignedRequest.Body.STREAMED);

            assertThatThrownBy(() -> verifier.verify(request))
                    .isInstanceOf(AuthException.UnrecognizedClient.class)
                    .hasMessage("The security token included in the request is invalid.");
        }
    }

    @Test
    void aSessionTokenIsUnrecognized() {
        SignedRequest request = received(sign(invoke(),
                AwsSessionCredentialsIdentity.create(KEY.id(), KEY.secret(), "session-token"), r -> {}),
                SignedRequest.Body.STREAMED);
        assertThat(request.header("X-Amz-Security-Token")).contains("session-token");

        assertThatThrownBy(() -> verifier.verify(request))
                .isInstanceOf(AuthException.UnrecognizedClient.class)
                .hasMessage("The security token included in the request is invalid.");
    }

    @Test
    void noAuthorizationIsAMissingToken() {
        SignedRequest request = withoutHeader(signedInvoke(), "Authorization");

        assertThatThrownBy(() -> verifier.verify(request))
                .isInstanceOf(AuthException.MissingToken.class)
                .hasMessage("Missing Authentication Token");
    }

    @Test
    void aMalformedAuthorizationNamesWhatIsMissing() {
        SignedRequest request = signedInvoke();
        String authorization = request.header("Authorization").orElseThrow();
        String credential = field(authorization, "Credential");
        String signedHeaders = field(authorization, "SignedHeaders");
        String signature = field(authorization, "Signature");

        assertIncomplete(withHeader(request, "Authorization", "AWS4-HMAC-SHA256 " + signedHeaders + ", " + signature),
                "Authorization header requires 'Credential' parameter. Authorization=");
        assertIncomplete(withHeader(request, "Authorization", "AWS4-HMAC-SHA256 " + credential + ", " + signedHeaders),
                "Authorization header requires 'Signature' parameter. Authorization=");
        assertIncomplete(withHeader(request, "Authorization", "AWS4-HMAC-SHA256 " + credential + ", " + signature),
                "Authorization header requires 'SignedHeaders' parameter. Authorization=");
        assertIncomplete(withHeader(request, "Authorization", "AWS4-HMAC-SHA256 " + credential),
                "Authorization header requires 'Signature' parameter. "
                        + "Authorization header requires 'SignedHeaders' parameter. Authorization=");
        assertIncomplete(withoutHeader(request, "X-Amz-Date"),
                "Authorization header requires existence of a 'X-Amz-Date' header. Authorization=");
        assertIncomplete(withHeader(request, "X-Amz-Date", "2026-03-04T05:06:07Z"),
                "Date must be in ISO-8601 'basic format' (yyyyMMdd'T'HHmmss'Z'). Got '2026-03-04T05:06:07Z'.");
        assertIncomplete(withHeader(request, "Authorization", authorization.replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA1")),
                "Authorization header requires the 'AWS4-HMAC-SHA256' algorithm, not 'AWS4-HMAC-SHA1'.");
        assertIncomplete(withHeader(request, "Authorization", authorization.replace(", Signature=", ", Signature ")),
                "Invalid key=value pair (missing equal-sign) in Authorization header: 'Signature ");
        assertIncomplete(withHeader(request, "Authorization", authorization.replace("/aws4_request", "")),
                "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '");
        assertIncomplete(withHeader(request, "Authorization", authorization.replace("/aws4_request", "/aws5_request")),
                "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'.");
        assertIncomplete(withHeader(request, "Authorization", authorization.replace(";host;", ";")),
                "'Host' must be a 'SignedHeader' in the AWS Authorization.");
    }

    @Test
    void theScopeDateMustBeTheSigningDay() {
        SignedRequest request = signedInvoke();
        String authorization = request.header("Authorization").orElseThrow().replace("/20260304/", "/20260303/");

        assertThatThrownBy(() -> verifier.verify(withHeader(request, "Authorization", authorization)))
                .isInstanceOf(AuthException.InvalidSignature.class)
                .hasMessage("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from "
                        + "HTTP: '20260303' != '20260304', from '20260304T050607Z'.");
    }

    @Test
    void anUnsignedPayloadNeedsNoBody() {
        // the SDK leaves the payload unsigned only over HTTPS
        SdkHttpFullRequest overTls = invoke().toBuilder().protocol("https").port(8443).build();
        SignedRequest request = received(sign(overTls, KEY,
                r -> r.putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, false)),
                SignedRequest.Body.STREAMED);
        assertThat(request.header("x-amz-content-sha256")).contains("UNSIGNED-PAYLOAD");

        Verification verification = verifier.verify(request);

        assertThat(verification.payload().needsBody()).isFalse();
        feed(verification.payload(), "anything at all");
    }

    @Test
    void anUnknownPayloadHashFormIsIncomplete() {
        SignedRequest request = withHeader(signedInvoke(), "x-amz-content-sha256",
                "STREAMING-AWS4-HMAC-SHA256-PAYLOAD");

        assertIncomplete(request, "x-amz-content-sha256 must be 'UNSIGNED-PAYLOAD' or the hex SHA-256 of the body, "
                + "not 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD'.");
    }

    private void assertIncomplete(SignedRequest request, String messageStart) {
        assertThatThrownBy(() -> verifier.verify(request))
                .isInstanceOf(AuthException.IncompleteSignature.class)
                .hasMessageStartingWith(messageStart);
    }

    private static String field(String authorization, String name) {
        for (String part : authorization.substring(authorization.indexOf(' ') + 1).split(",")) {
            if (part.strip().startsWith(name + "=")) {
                return part.strip();
            }
        }
        throw new AssertionError(name + " not in " + authorization);
    }
}
