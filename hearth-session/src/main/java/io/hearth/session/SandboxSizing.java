package io.hearth.session;

import io.hearth.api.ApiException;
import io.hearth.api.FieldError;
import io.hearth.control.HearthTags;
import io.hearth.sandbox.NetworkMode;
import io.hearth.sandbox.ResourceLimits;
import java.util.Map;

/**
 * Turns a runtime's {@code hearth:*} tags ({@link HearthTags}) into the sandbox's size and network mode.
 */
public final class SandboxSizing {
    private SandboxSizing() {}

    /** The sandbox size the runtime's tags ask for; AgentCore's 2 vCPU / 8 GiB where they are silent. */
    public static ResourceLimits limits(Map<String, String> tags) {
        var defaults = ResourceLimits.DEFAULT;
        HearthTags hearth = parse(tags);
        try {
            return new ResourceLimits(
                    hearth.vcpus().orElse(defaults.vcpus()),
                    hearth.memoryMiB().isPresent() ? hearth.memoryMiB().getAsLong() << 20 : defaults.memoryBytes(),
                    hearth.pids().orElse(defaults.maxProcesses()),
                    hearth.workspaceMiB().isPresent() ? hearth.workspaceMiB().getAsLong() << 20 : defaults.workspaceBytes());
        } catch (IllegalArgumentException e) {
            throw ApiException.validation("tags: " + e.getMessage(), new FieldError("tags", e.getMessage()));
        }
    }

    public static NetworkMode network(Map<String, String> tags) {
        return NetworkMode.valueOf(parse(tags).network().orElse("PUBLIC"));
    }

    private static HearthTags parse(Map<String, String> tags) {
        try {
            return HearthTags.parse(tags);
        } catch (IllegalArgumentException e) {
            throw ApiException.validation("tags: " + e.getMessage(), new FieldError("tags", e.getMessage()));
        }
    }
}
