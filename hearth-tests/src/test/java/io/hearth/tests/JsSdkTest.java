package io.hearth.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.hearth.testing.Agents;
import io.hearth.testing.HearthExtension;
import io.hearth.testing.NodeScripts;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The AWS SDK for JavaScript v3 clients, from npm, against a real server: create, invoke, stream, stop, delete. */
class JsSdkTest {
    @RegisterExtension
    static final HearthExtension hearth = new HearthExtension();

    @Test
    void theJavaScriptClientsWorkUnmodified() {
        NodeScripts.assumeReady();
        String prefix = "js-smoke";
        Agents.copyTree(HearthExtension.repoRoot().resolve("examples/python-counter"),
                Agents.artifacts(hearth.dataDir()).resolve("js-artifacts").resolve(prefix));
        // The SDK's default credential chain signs with the root key (NodeScripts passes it), as it would for AWS.
        var run = NodeScripts.run("sdk-smoke.mjs", Map.of("HEARTH_ENDPOINT", hearth.endpoint().toString(),
                "HEARTH_BUCKET", "js-artifacts", "HEARTH_PREFIX", prefix), Duration.ofSeconds(120));
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("0 failed");
    }
}
