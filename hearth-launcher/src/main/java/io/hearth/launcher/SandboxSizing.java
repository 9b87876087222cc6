package io.hearth.launcher;

import io.hearth.deployment.HearthTags;
import io.hearth.sandbox.NetworkMode;
import io.hearth.sandbox.ResourceLimits;

/**
 * Turns a runtime's {@code hearth:*} settings ({@link HearthTags}) into the sandbox's size and network mode.
 */
public final class SandboxSizing {
    private SandboxSizing() {}

    /**
     * The sandbox size the runtime's settings ask for; AgentCore's 2 vCPU / 8 GiB where they are silent.
     *
     * @throws IllegalArgumentException when the settings make no valid size
     */
    public static ResourceLimits limits(HearthTags hearth) {
        var defaults = ResourceLimits.DEFAULT;
        return new ResourceLimits(
                hearth.vcpus().orElse(defaults.vcpus()),
                hearth.memoryMiB().isPresent() ? hearth.memoryMiB().getAsLong() << 20 : defaults.memoryBytes(),
                hearth.pids().orElse(defaults.maxProcesses()),
                hearth.workspaceMiB().isPresent() ? hearth.workspaceMiB().getAsLong() << 20 : defaults.workspaceBytes());
    }

    public static NetworkMode network(HearthTags hearth) {
        return NetworkMode.valueOf(hearth.network().orElse("PUBLIC"));
    }
}
