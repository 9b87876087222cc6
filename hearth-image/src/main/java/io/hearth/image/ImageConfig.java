package io.hearth.image;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an image says about running it (its config's {@code config} object); an absent member is empty.
 *
 * @param env           in the image's order; a later duplicate wins
 * @param workingDir    absolute, or empty (the root)
 * @param user          {@code user[:group]} as written (names or ids), or empty (root)
 * @param exposedPorts  TCP ports the image declares
 */
public record ImageConfig(List<String> entrypoint, List<String> cmd, Map<String, String> env, String workingDir,
        String user, Set<Integer> exposedPorts, String os, String architecture) {
    public ImageConfig {
        entrypoint = List.copyOf(requireNonNull(entrypoint, "entrypoint"));
        cmd = List.copyOf(requireNonNull(cmd, "cmd"));
        env = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(env, "env")));
        requireNonNull(workingDir, "workingDir");
        requireNonNull(user, "user");
        exposedPorts = Set.copyOf(requireNonNull(exposedPorts, "exposedPorts"));
        requireNonNull(os, "os");
        requireNonNull(architecture, "architecture");
        if (!workingDir.isEmpty() && !workingDir.startsWith("/")) {
            throw new IllegalArgumentException("workingDir: " + workingDir + " (expected: an absolute path or empty)");
        }
        for (int port : exposedPorts) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("exposedPorts: " + port + " (expected: 1 to 65535)");
            }
        }
    }

    /** The command line the image runs with no override: entrypoint then cmd. */
    public List<String> command() {
        var all = new ArrayList<>(entrypoint);
        all.addAll(cmd);
        return List.copyOf(all);
    }
}
