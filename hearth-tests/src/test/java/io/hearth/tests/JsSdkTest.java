package io.hearth.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.hearth.testing.Agents;
import io.hearth.testing.HearthExtension;
import io.hearth.testing.Signed;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The AWS SDK for JavaScript v3 clients, from npm, against a real server: create, invoke, stream, stop, delete. */
class JsSdkTest {
    @RegisterExtension
    static final HearthExtension hearth = new HearthExtension();

    @Test
    void theJavaScriptClientsWorkUnmodified() throws Exception {
        Path js = HearthExtension.repoRoot().resolve("hearth-tests/src/test/js");
        assertThat(js.resolve("node_modules")).as("run ./hearth test, which installs the JS clients with npm ci").isDirectory();
        String prefix = "js-smoke";
        Agents.copyTree(HearthExtension.repoRoot().resolve("examples/python-counter"),
                Agents.artifacts(hearth.dataDir()).resolve("js-artifacts").resolve(prefix));

        var builder = new ProcessBuilder("node", "sdk-smoke.mjs").directory(js.toFile()).redirectErrorStream(true);
        builder.environment().put("HEARTH_ENDPOINT", hearth.endpoint().toString());
        builder.environment().put("HEARTH_BUCKET", "js-artifacts");
        builder.environment().put("HEARTH_PREFIX", prefix);
        builder.environment().putAll(Signed.sdkEnvironment()); // the SDK's default chain signs with the root key
        Process node = builder.start();
        String output;
        try (var in = node.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(node.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(node.exitValue()).as(output).isZero();
        assertThat(output).contains("0 failed");
    }
}
