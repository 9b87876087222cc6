package io.hearth.session;

import io.hearth.api.ApiException;
import io.hearth.api.FieldError;
import io.hearth.sandbox.NetworkMode;
import io.hearth.sandbox.ResourceLimits;
import java.util.Map;

/**
 * Reads a runtime's Hearth-native sandbox settings from its tags, so AWS SDK users can set them:
 * {@code hearth:vcpus}, {@code hearth:memoryMiB}, {@code hearth:pids}, {@code hearth:workspaceMiB}, {@code hearth:network}.
 */
public final class SandboxSizing {
    public static final String VCPUS = "hearth:vcpus";
    public static final String MEMORY_MIB = "hearth:memoryMiB";
    public static final String PIDS = "hearth:pids";
    public static final String WORKSPACE_MIB = "hearth:workspaceMiB";
    public static final String NETWORK = "hearth:network";
    public static final String ISOLATION = "hearth:isolation";

    private SandboxSizing() {}

    public static ResourceLimits limits(Map<String, String> tags) {
        var defaults = ResourceLimits.DEFAULT;
        try {
            return new ResourceLimits(
                    number(tags, VCPUS, defaults.vcpus()),
                    (long) (number(tags, MEMORY_MIB, defaults.memoryBytes() >> 20)) << 20,
                    (int) number(tags, PIDS, defaults.maxProcesses()),
                    (long) (number(tags, WORKSPACE_MIB, defaults.workspaceBytes() >> 20)) << 20);
        } catch (IllegalArgumentException e) {
            throw ApiException.validation("tags: " + e.getMessage(), new FieldError("tags", e.getMessage()));
        }
    }

    public static NetworkMode network(Map<String, String> tags) {
        String mode = tags.getOrDefault(NETWORK, "PUBLIC");
        try {
            return NetworkMode.valueOf(mode);
        } catch (IllegalArgumentException e) {
            String message = NETWORK + ": " + mode + " (expected: PUBLIC or NONE)";
            throw ApiException.validation("tags: " + message, new FieldError("tags", message));
        }
    }

    private static double number(Map<String, String> tags, String key, double fallback) {
        String value = tags.get(key);
        if (value == null) {
            return fallback;
        }
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": " + value + " (expected: a number)");
        }
    }
}
