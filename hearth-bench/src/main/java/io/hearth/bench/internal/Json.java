package io.hearth.bench.internal;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** One shared JSON mapper: request bodies for Hearth's APIs, replies, and the results file. */
public final class Json {
    private static final JsonMapper MAPPER = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    private static final JsonMapper COMPACT = JsonMapper.builder().build();

    private Json() {}

    public static String pretty(Object value) {
        return MAPPER.writeValueAsString(value);
    }

    public static String compact(Object value) {
        return COMPACT.writeValueAsString(value);
    }

    public static <T> T read(String text, Class<T> type) {
        return COMPACT.readValue(text, type);
    }

    public static JsonNode tree(String text) {
        return COMPACT.readTree(text);
    }
}
