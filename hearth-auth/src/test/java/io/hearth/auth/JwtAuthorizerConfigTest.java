package io.hearth.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hearth.api.ApiException;
import io.hearth.api.Json;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The customJWTAuthorizer JSON as the control plane stores it, and each way it can be wrong. */
class JwtAuthorizerConfigTest {
    private static JwtAuthorizerConfig read(String json) {
        return JwtAuthorizerConfig.fromJson(Json.tree(json.getBytes(StandardCharsets.UTF_8)));
    }

    private static void invalid(String json, String expected) {
        assertThatThrownBy(() -> read(json))
                .isInstanceOf(ApiException.Validation.class)
                .hasMessageContaining(expected);
    }

    @Test
    void readsEveryMember() {
        var config = read("""
                {"discoveryUrl": "https://idp.example.com/pool/.well-known/openid-configuration",
                 "allowedAudience": ["api"], "allowedClients": ["c1", "c2"], "allowedScopes": ["agent/invoke"],
                 "customClaims": [
                   {"inboundTokenClaimName": "dept", "inboundTokenClaimValueType": "STRING",
                    "authorizingClaimMatchValue": {"claimMatchOperator": "EQUALS",
                                                   "claimMatchValue": {"matchValueString": "eng"}}},
                   {"inboundTokenClaimName": "roles", "inboundTokenClaimValueType": "STRING_ARRAY",
                    "authorizingClaimMatchValue": {"claimMatchOperator": "CONTAINS",
                                                   "claimMatchValue": {"matchValueString": "admin"}}},
                   {"inboundTokenClaimName": "groups", "inboundTokenClaimValueType": "STRING_ARRAY",
                    "authorizingClaimMatchValue": {"claimMatchOperator": "CONTAINS_ANY",
                                                   "claimMatchValue": {"matchValueStringList": ["a", "b"]}}}],
                 "privateEndpoint": {"ignored": true}}
                """);

        assertThat(config.discoveryUrl())
                .isEqualTo(URI.create("https://idp.example.com/pool/.well-known/openid-configuration"));
        assertThat(config.allowedAudience()).containsExactly("api");
        assertThat(config.allowedClients()).containsExactly("c1", "c2");
        assertThat(config.allowedScopes()).containsExactly("agent/invoke");
        assertThat(config.customClaims()).containsExactly(new ClaimRule.StringEquals("dept", "eng"),
                new ClaimRule.ArrayContains("roles", "admin"), new ClaimRule.ArrayContainsAny("groups", List.of("a",
                        "b")));
    }

    @Test
    void onlyTheDiscoveryUrlIsRequired() {
        var config = read("{\"discoveryUrl\": \"http://127.0.0.1:9/.well-known/openid-configuration\"}");
        assertThat(config.allowedAudience()).isEmpty();
        assertThat(config.allowedClients()).isEmpty();
        assertThat(config.allowedScopes()).isEmpty();
        assertThat(config.customClaims()).isEmpty();
    }

    @Test
    void badDiscoveryUrls() {
        invalid("{}", "customJWTAuthorizer.discoveryUrl: missing");
        invalid("[]", "customJWTAuthorizer: [] (expected: an object)");
        invalid("{\"discoveryUrl\": \"https://idp.example.com/openid\"}", "discoveryUrl: https://idp.example.com/openid"
                + " (expected: an http(s) URL ending in /.well-known/openid-configuration)");
        invalid("{\"discoveryUrl\": \"ftp://idp.example.com/.well-known/openid-configuration\"}", "discoveryUrl: ftp");
        invalid("{\"discoveryUrl\": \"https://idp example/.well-known/openid-configuration\"}", "(expected: a URL");
        invalid("{\"discoveryUrl\": 7}", "discoveryUrl: 7 (expected: a non-empty string)");
    }

    @Test
    void badLists() {
        String url = "\"discoveryUrl\": \"https://idp.example.com/.well-known/openid-configuration\"";
        invalid("{" + url + ", \"allowedAudience\": []}", "allowedAudience: [] (expected: an array of at least 1");
        invalid("{" + url + ", \"allowedClients\": \"c1\"}", "allowedClients: \"c1\" (expected: an array");
        invalid("{" + url + ", \"allowedScopes\": [\"a b\"]}", "allowedScopes: \"a b\" (expected: 1 to 255 printable");
        invalid("{" + url + ", \"allowedScopes\": [3]}", "allowedScopes[0]: 3 (expected: a non-empty string)");
        invalid("{" + url + ", \"customClaims\": []}", "customClaims: [] (expected: an array of at least 1 claim)");
    }

    @Test
    void badCustomClaims() {
        String head = "{\"discoveryUrl\": \"https://idp.example.com/.well-known/openid-configuration\", "
                + "\"customClaims\": [{\"inboundTokenClaimName\": \"c\", ";
        invalid(head + "\"inboundTokenClaimValueType\": \"NUMBER\"}]}", "inboundTokenClaimValueType: NUMBER"
                + " (expected: one of [STRING, STRING_ARRAY])");
        invalid(head + "\"inboundTokenClaimValueType\": \"STRING\"}]}", "authorizingClaimMatchValue: missing");
        invalid(head + claim("STRING", "CONTAINS", "\"matchValueString\": \"x\""), "claimMatchOperator: CONTAINS"
                + " (expected: EQUALS for inboundTokenClaimValueType STRING)");
        invalid(head + claim("STRING_ARRAY", "EQUALS", "\"matchValueString\": \"x\""), "claimMatchOperator: EQUALS");
        invalid(head + claim("STRING", "EQUALS", "\"matchValueStringList\": [\"x\"]"), "(expected: matchValueString"
                + " for EQUALS)");
        invalid(head + claim("STRING_ARRAY", "CONTAINS_ANY", "\"matchValueString\": \"x\""),
                "(expected: matchValueStringList for CONTAINS_ANY)");
        invalid(head + claim("STRING_ARRAY", "CONTAINS", "\"matchValueString\": \"x\", \"matchValueStringList\":"
                + " [\"y\"]"), "both matchValueString and matchValueStringList (expected: exactly one)");
        invalid(head + claim("STRING_ARRAY", "CONTAINS", ""), "neither");
        invalid(head + claim("STRING", "LIKE", "\"matchValueString\": \"x\""), "claimMatchOperator: LIKE (expected:"
                + " one of [EQUALS, CONTAINS, CONTAINS_ANY])");
    }

    private static String claim(String type, String operator, String value) {
        return "\"inboundTokenClaimValueType\": \"" + type + "\", \"authorizingClaimMatchValue\": {"
                + "\"claimMatchOperator\": \"" + operator + "\", \"claimMatchValue\": {" + value + "}}}]}";
    }
}
