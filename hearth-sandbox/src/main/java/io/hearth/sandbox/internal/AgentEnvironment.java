package io.hearth.sandbox.internal;

import io.hearth.sandbox.SandboxSpec;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The whole environment an isolated agent gets: nothing of the host's; defaults, an image's variables, the runtime's,
 * then Hearth's own.
 */
final class AgentEnvironment {
    private AgentEnvironment() {}

    static Map<String, String> of(SandboxSpec spec) {
        var env = new LinkedHashMap<String, String>();
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("HOME", BaseFilesystem.WORKSPACE);
        env.put("LANG", "C.UTF-8");
        env.put("PYTHONUNBUFFERED", "1");
        env.put("TMPDIR", "/tmp");
        // An image's variables (its PATH, HOME, language settings) replace these defaults; the runtime's win over both.
        spec.image().ifPresent(image -> env.putAll(image.env()));
        env.putAll(spec.environment());
        // Last, so a runtime cannot move the agent off the port and workspace the driver built for it.
        env.put("PORT", Integer.toString(spec.agentPort()));
        env.put("HEARTH_WORKSPACE", BaseFilesystem.WORKSPACE);
        return env;
    }
}
