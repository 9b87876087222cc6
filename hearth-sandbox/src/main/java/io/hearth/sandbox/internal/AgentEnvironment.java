package io.hearth.sandbox.internal;

import io.hearth.sandbox.SandboxSpec;
import java.util.LinkedHashMap;
import java.util.Map;

/** The whole environment an isolated agent gets: nothing of the host's, the runtime's variables, then Hearth's own. */
final class AgentEnvironment {
    private AgentEnvironment() {}

    static Map<String, String> of(SandboxSpec spec) {
        var env = new LinkedHashMap<String, String>();
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("HOME", BaseFilesystem.WORKSPACE);
        env.put("LANG", "C.UTF-8");
        env.put("PYTHONUNBUFFERED", "1");
        env.put("TMPDIR", "/tmp");
        env.putAll(spec.environment());
        // Last, so a runtime cannot move the agent off the port and workspace the driver built for it.
        env.put("PORT", Integer.toString(IsolatedDriver.AGENT_PORT));
        env.put("HEARTH_WORKSPACE", BaseFilesystem.WORKSPACE);
        return env;
    }
}
