package io.hearth.control.internal;

import io.hearth.api.ApiException;
import io.hearth.api.FieldError;
import io.hearth.api.ValidationReason;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Reads members out of a request body while collecting every broken constraint, so that one
 * {@code ValidationException} names them all, worded the way AWS words them
 * ("Value 'x' at 'path' failed to satisfy constraint: ...").
 */
final class FieldChecks {
    private final List<FieldError> errors = new ArrayList<>();

    void fail(String path, String constraint) {
        errors.add(new FieldError(path, constraint));
    }

    void fail(String path, Object value, String constraint) {
        errors.add(new FieldError(path, "Value '" + shorten(value) + "' at '" + path + "' failed to satisfy constraint: "
                + constraint));
    }

    boolean ok() {
        return errors.isEmpty();
    }

    /** Throws the collected errors, if any, as one {@code ValidationException}. */
    void throwIfFailed() {
        if (errors.isEmpty()) {
            return;
        }
        String count = errors.size() == 1 ? "1 validation error detected: " : errors.size() + " validation errors detected: ";
        String message = count + String.join("; ", errors.stream().map(FieldChecks::sentence).toList());
        throw new ApiException.Validation(message, ValidationReason.FieldValidationFailed, errors);
    }

    Optional<JsonNode> object(JsonNode parent, String name, String path, boolean required) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            if (required) {
                fail(path, "Member '" + path + "' is required (expected: an object)");
            }
            return Optional.empty();
        }
        if (!node.isObject()) {
            fail(path, node, "Member must be an object");
            return Optional.empty();
        }
        return Optional.of(node);
    }

    Optional<String> string(JsonNode parent, String name, String path, boolean required, int min, int max,
            Pattern pattern) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            if (required) {
                fail(path, "Member '" + path + "' is required (expected: a string)");
            }
            return Optional.empty();
        }
        if (!node.isString()) {
            fail(path, node, "Member must be a string");
            return Optional.empty();
        }
        return checked(node.stringValue(), path, min, max, pattern);
    }

    Optional<String> checked(String value, String path, int min, int max, Pattern pattern) {
        int length = value.codePointCount(0, value.length());
        if (length < min) {
            fail(path, value, "Member must have length greater than or equal to " + min);
            return Optional.empty();
        }
        if (length > max) {
            fail(path, value, "Member must have length less than or equal to " + max);
            return Optional.empty();
        }
        if (pattern != null && !pattern.matcher(value).matches()) {
            fail(path, value, "Member must satisfy regular expression pattern: " + pattern.pattern());
            return Optional.empty();
        }
        return Optional.of(value);
    }

    Optional<Long> integer(JsonNode parent, String name, String path, long min, long max) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            fail(path, node, "Member must be an integer");
            return Optional.empty();
        }
        long value = node.longValue();
        if (value < min || value > max) {
            fail(path, value, "Member must be between " + min + " and " + max + " (inclusive)");
            return Optional.empty();
        }
        return Optional.of(value);
    }

    Optional<List<String>> strings(JsonNode parent, String name, String path, boolean required, int minItems,
            int maxItems, int min, int max, Pattern pattern) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            if (required) {
                fail(path, "Member '" + path + "' is required (expected: a list of strings)");
            }
            return Optional.empty();
        }
        if (!node.isArray()) {
            fail(path, node, "Member must be a list of strings");
            return Optional.empty();
        }
        if (node.size() < minItems || node.size() > maxItems) {
            fail(path, node, "Member must have between " + minItems + " and " + maxItems + " items");
            return Optional.empty();
        }
        var values = new ArrayList<String>();
        boolean allOk = true;
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            String itemPath = path + "." + (i + 1);
            if (!item.isString()) {
                fail(itemPath, item, "Member must be a string");
                allOk = false;
                continue;
            }
            Optional<String> value = checked(item.stringValue(), itemPath, min, max, pattern);
            value.ifPresent(values::add);
            allOk &= value.isPresent();
        }
        return allOk ? Optional.of(List.copyOf(values)) : Optional.empty();
    }

    /** A string-to-string map with bounds on its size, keys and values. */
    Optional<Map<String, String>> map(JsonNode parent, String name, String path, int maxEntries, int keyMin, int keyMax,
            int valueMax, Pattern pattern) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isObject()) {
            fail(path, node, "Member must be a map of strings to strings");
            return Optional.empty();
        }
        if (node.size() > maxEntries) {
            fail(path, "Value at '" + path + "' failed to satisfy constraint: Member must have at most " + maxEntries
                    + " entries (got " + node.size() + ")");
            return Optional.empty();
        }
        var values = new LinkedHashMap<String, String>();
        boolean allOk = true;
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            String entryPath = path + "." + entry.getKey();
            Optional<String> key = checked(entry.getKey(), entryPath + ".key", keyMin, keyMax, pattern);
            Optional<String> value = Optional.empty();
            if (!entry.getValue().isString()) {
                fail(entryPath, entry.getValue(), "Member must be a string");
            } else {
                value = checked(entry.getValue().stringValue(), entryPath, 0, valueMax, pattern);
            }
            if (key.isPresent() && value.isPresent()) {
                values.put(key.get(), value.get());
            } else {
                allOk = false;
            }
        }
        return allOk ? Optional.of(values) : Optional.empty();
    }

    /**
     * Environment variables: the modeled bounds on count, names and values, and what a process environment can
     * hold, which the model does not say: a name with {@code =} or NUL, or a value with NUL, could never reach the agent.
     */
    Optional<Map<String, String>> environment(JsonNode parent, String name, String path, int maxEntries, int keyMax,
            int valueMax) {
        Optional<Map<String, String>> variables = map(parent, name, path, maxEntries, 1, keyMax, valueMax, null);
        if (variables.isEmpty()) {
            return variables;
        }
        boolean allOk = true;
        for (Map.Entry<String, String> variable : variables.get().entrySet()) {
            String entryPath = path + "." + printable(variable.getKey());
            if (variable.getKey().indexOf('=') >= 0 || variable.getKey().indexOf('\0') >= 0) {
                fail(entryPath + ".key", printable(variable.getKey()),
                        "Member must not contain '=' or NUL (expected: a name a process environment can hold)");
                allOk = false;
            }
            if (variable.getValue().indexOf('\0') >= 0) {
                fail(entryPath, printable(variable.getValue()),
                        "Member must not contain NUL (expected: a value a process environment can hold)");
                allOk = false;
            }
        }
        return allOk ? variables : Optional.empty();
    }

    /** Members a union must have exactly one of. */
    Optional<String> unionMember(JsonNode union, String path, List<String> members) {
        List<String> present = members.stream().filter(m -> union.has(m) && !union.get(m).isNull()).toList();
        if (present.size() != 1) {
            fail(path, "Member '" + path + "' must set exactly one of " + members + " (got " + present + ")");
            return Optional.empty();
        }
        return Optional.of(present.getFirst());
    }

    private static String sentence(FieldError error) {
        return error.message();
    }

    /** NUL shown as {@code \0}, so a message about it can be read. */
    private static String printable(String text) {
        return text.replace("\0", "\\0");
    }

    private static String shorten(Object value) {
        String text = value instanceof JsonNode node && node.isString() ? node.stringValue() : String.valueOf(value);
        return text.length() > 120 ? text.substring(0, 117) + "..." : text;
    }
}
