package io.hearth.sdk.internal;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.NullNode;

/**
 * Turns a request body into the value a handler's payload parameter asks for: the raw bytes, the text, the JSON tree,
 * or the JSON bound to any other type (records included).
 */
public final class PayloadBinder {
    private final ObjectMapper json;
    private final Type type;
    private final JavaType javaType;

    public PayloadBinder(ObjectMapper json, Type type) {
        this.json = json;
        this.type = type;
        this.javaType = json.constructType(type);
    }

    public Object bind(byte[] body) {
        if (type == byte[].class) {
            return body;
        }
        if (type == String.class) {
            return new String(body, StandardCharsets.UTF_8);
        }
        JsonNode tree = tree(json, body);
        if (JsonNode.class.isAssignableFrom(javaType.getRawClass())) {
            if (!javaType.getRawClass().isInstance(tree)) {
                throw new BadPayload("body: " + tree.getNodeType() + " (expected: " + javaType.getRawClass().getSimpleName() + ")", null);
            }
            return tree;
        }
        if (tree.isNull()) {
            throw new BadPayload("body: empty or null (expected: JSON for " + javaType.toCanonical() + ")", null);
        }
        try {
            return json.readerFor(javaType).readValue(tree);
        } catch (JacksonException e) {
            throw new BadPayload("body: does not fit " + javaType.toCanonical() + " (" + e.getOriginalMessage() + ")", e);
        }
    }

    /** The body as a JSON tree; an empty body is JSON {@code null}. */
    public static JsonNode tree(ObjectMapper json, byte[] body) {
        if (isBlank(body)) {
            return NullNode.getInstance();
        }
        try {
            return json.readTree(body);
        } catch (JacksonException e) {
            throw new BadPayload("body: not JSON (" + e.getOriginalMessage() + ")", e);
        }
    }

    private static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return true;
    }
}
