package io.hearth.auth.internal;

import io.hearth.api.ApiException;
import io.hearth.auth.ClaimRule;
import io.hearth.auth.JwtAuthorizerConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** Reads a {@code customJWTAuthorizer} JSON object into a {@link JwtAuthorizerConfig}. */
public final class AuthorizerJson {
    private static final String ROOT = "customJWTAuthorizer";

    private AuthorizerJson() {}

    public static JwtAuthorizerConfig read(JsonNode node) {
        object(ROOT, node);
        String url = requiredString(ROOT + ".discoveryUrl", node.get("discoveryUrl"));
        URI discoveryUrl;
        try {
            discoveryUrl = new URI(url);
        } catch (URISyntaxException e) {
            throw ApiException.validation(ROOT + ".discoveryUrl: " + url + " (expected: a URL; " + e.getReason() + ")");
        }
        return new JwtAuthorizerConfig(discoveryUrl,
                strings(ROOT + ".allowedAudience", node.get("allowedAudience")).orElse(List.of()),
                strings(ROOT + ".allowedClients", node.get("allowedClients")).orElse(List.of()),
                strings(ROOT + ".allowedScopes", node.get("allowedScopes")).orElse(List.of()),
                claims(node.get("customClaims")));
    }

    private static List<ClaimRule> claims(JsonNode node) {
        String name = ROOT + ".customClaims";
        if (absent(node)) {
            return List.of();
        }
        if (!node.isArray() || node.isEmpty()) {
            throw ApiException.validation(name + ": " + describe(node) + " (expected: an array of at least 1 claim)");
        }
        var rules = new ArrayList<ClaimRule>();
        for (int i = 0; i < node.size(); i++) {
            rules.add(claim(name + "[" + i + "]", node.get(i)));
        }
        return rules;
    }

    private static ClaimRule claim(String where, JsonNode node) {
        object(where, node);
        String claim = requiredString(where + ".inboundTokenClaimName", node.get("inboundTokenClaimName"));
        var type = constant(where + ".inboundTokenClaimValueType", node.get("inboundTokenClaimValueType"),
                ClaimRule.ValueType.class);
        JsonNode match = node.get("authorizingClaimMatchValue");
        object(where + ".authorizingClaimMatchValue", match);
        var operator = constant(where + ".authorizingClaimMatchValue.claimMatchOperator",
                match.get("claimMatchOperator"), ClaimRule.Operator.class);
        JsonNode value = match.get("claimMatchValue");
        String valueName = where + ".authorizingClaimMatchValue.claimMatchValue";
        object(valueName, value);
        Optional<String> single = absent(value.get("matchValueString"))
                ? Optional.empty()
                : Optional.of(requiredString(valueName + ".matchValueString", value.get("matchValueString")));
        return ClaimRule.of(claim, type, operator, single,
                strings(valueName + ".matchValueStringList", value.get("matchValueStringList")));
    }

    private static <E extends Enum<E>> E constant(String name, JsonNode node, Class<E> type) {
        String text = requiredString(name, node);
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(text)) {
                return e;
            }
        }
        throw ApiException.validation(name + ": " + text + " (expected: one of "
                + List.of(type.getEnumConstants()).toString().toUpperCase(Locale.ROOT) + ")");
    }

    private static Optional<List<String>> strings(String name, JsonNode node) {
        if (absent(node)) {
            return Optional.empty();
        }
        if (!node.isArray() || node.isEmpty()) {
            throw ApiException.validation(name + ": " + describe(node) + " (expected: an array of at least 1 string)");
        }
        var values = new ArrayList<String>();
        for (int i = 0; i < node.size(); i++) {
            values.add(requiredString(name + "[" + i + "]", node.get(i)));
        }
        return Optional.of(values);
    }

    private static String requiredString(String name, JsonNode node) {
        if (absent(node)) {
            throw ApiException.validation(name + ": missing (expected: a string)");
        }
        if (!node.isString() || node.stringValue().isEmpty()) {
            throw ApiException.validation(name + ": " + describe(node) + " (expected: a non-empty string)");
        }
        return node.stringValue();
    }

    private static void object(String name, JsonNode node) {
        if (absent(node)) {
            throw ApiException.validation(name + ": missing (expected: an object)");
        }
        if (!node.isObject()) {
            throw ApiException.validation(name + ": " + describe(node) + " (expected: an object)");
        }
    }

    private static boolean absent(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode();
    }

    private static String describe(JsonNode node) {
        String text = node.toString();
        return text.length() > 100 ? text.substring(0, 100) + "..." : text;
    }
}
