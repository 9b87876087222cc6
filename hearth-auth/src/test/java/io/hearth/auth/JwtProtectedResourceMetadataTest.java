package io.hearth.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.hearth.api.Json;
import io.hearth.auth.testing.OidcProviderFixture;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The 401 challenge and the RFC 9728 document Hearth serves for a runtime with a JWT authorizer. */
class JwtProtectedResourceMetadataTest {
    private static final String ARN = "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/agent-abcdefghij";
    private static final String ESCAPED = "arn%3Aaws%3Abedrock-agentcore%3Aus-east-1%3A123456789012%3Aruntime%2F"
            + "agent-abcdefghij";

    @Test
    void challengePointsAtTheMetadataUnderTheInvocationPath() {
        var metadata = new ProtectedResourceMetadata(URI.create("https://hearth.example.com/"), ARN, "DEFAULT");

        assertThat(metadata.challenge()).isEqualTo("Bearer resource_metadata=\"https://hearth.example.com/runtimes/"
                + ESCAPED + "/invocations/.well-known/oauth-protected-resource?qualifier=DEFAULT\"");
        assertThat(metadata.resource().toString())
                .isEqualTo("https://hearth.example.com/runtimes/" + ESCAPED + "/invocations");
    }

    @Test
    void documentNamesTheIssuerAndTheAllowedScopes() {
        var metadata = new ProtectedResourceMetadata(URI.create("http://127.0.0.1:8080"), ARN, "prod");

        assertThat(Json.writeString(metadata.document("https://idp.example.com", List.of("agent/invoke"))))
                .isEqualTo("{\"resource\":\"http://127.0.0.1:8080/runtimes/" + ESCAPED + "/invocations\","
                        + "\"authorization_servers\":[\"https://idp.example.com\"],"
                        + "\"bearer_methods_supported\":[\"header\"],\"scopes_supported\":[\"agent/invoke\"]}");
        assertThat(metadata.document("https://idp.example.com", List.of()).has("scopes_supported")).isFalse();
    }

    @Test
    void documentForAnAuthorizerReadsTheIssuerThroughDiscovery() {
        try (var idp = OidcProviderFixture.start()) {
            var authorizer = new JwtAuthorizer(JwtAuthorizerConfig.of(idp.discoveryUrl())
                    .withAllowedScopes(List.of("invoke")));
            var doc = new ProtectedResourceMetadata(URI.create("http://127.0.0.1:8080"), ARN, "DEFAULT")
                    .document(authorizer);

            assertThat(doc.get("authorization_servers").get(0).stringValue()).isEqualTo(idp.issuer());
            assertThat(doc.get("scopes_supported").get(0).stringValue()).isEqualTo("invoke");
        }
    }
}
