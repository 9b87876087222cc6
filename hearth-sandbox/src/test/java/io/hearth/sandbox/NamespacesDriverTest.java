package io.hearth.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NamespacesDriverTest extends IsolatingDriverContract {
    @Override
    String driverName() {
        return "namespaces";
    }

    @Override
    Path requiredBinary() {
        return Path.of("/usr/bin/bwrap");
    }

    @Override
    boolean blocksUserNamespaces() {
        return true;
    }

    @Override
    long hostTaskLimit(int processes) {
        return processes + 2;
    }

    @Override
    int coldStartRuns() {
        return 5;
    }

    /**
     * A sandbox's launcher lives as long as it does, in a mount namespace copied from the host's: it must keep none of
     * the mounts of sandboxes started before it, nor receive those of sandboxes started after (each new sandbox would
     * otherwise cost every live one a mount, and every later start a longer table).
     */
    @Test
    void aSandboxsMountNamespacesHoldNoOtherSandboxsMounts() throws Exception {
        var limits = TestAgents.limits(1, 256, 64, 16);
        Sandbox before = startCounter(limits, NetworkMode.NONE);
        Sandbox watched = startCounter(limits, NetworkMode.PUBLIC);
        Sandbox after = startCounter(limits, NetworkMode.NONE);
        try {
            List<String> seen = new ArrayList<>();
            List<Long> processes = HostLeaks.processesInCgroupsOf(watched.id());
            assertThat(processes).as("the watched sandbox's launcher, init and agent").hasSizeGreaterThanOrEqualTo(3);
            for (long pid : processes) {
                for (String line : mountinfo(pid)) {
                    if (line.contains(before.id()) || line.contains(after.id()) || line.contains("/run/netns/")) {
                        seen.add(pid + ": " + line);
                    }
                }
            }
            assertThat(seen).as("mounts of other sandboxes, or network namespaces, in the watched sandbox's namespaces")
                    .isEmpty();
            assertThat(AgentHttp.ping(watched.agentAddress())).isEqualTo(200);
        } finally {
            for (Sandbox sandbox : List.of(before, watched, after)) {
                sandbox.stop();
                sandbox.exit().get(30, java.util.concurrent.TimeUnit.SECONDS);
                assertNothingLeft(sandbox);
            }
        }
    }

    private static List<String> mountinfo(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc", Long.toString(pid), "mountinfo"));
        } catch (IOException e) {
            return List.of(); // exited meanwhile
        }
    }
}
