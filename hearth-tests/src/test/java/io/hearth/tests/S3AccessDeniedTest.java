package io.hearth.tests;

import static io.hearth.tests.ControlPlaneFixture.ROLE;
import static org.assertj.core.api.Assertions.assertThat;

import io.hearth.control.ArtifactSettings;
import io.hearth.control.S3Settings;
import io.hearth.testing.HearthExtension;
import io.hearth.testing.S3Fixture;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.AgentRuntimeStatus;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.NetworkMode;

/** Hearth holding credentials the store refuses: the version fails with the key and the store's error code. */
class S3AccessDeniedTest {
    static final S3Fixture S3 = S3Fixture.start();

    @RegisterExtension
    static final HearthExtension HEARTH = new HearthExtension(c -> c.withArtifacts(ArtifactSettings.DEFAULT.withS3(
            new S3Settings(S3.endpoint(), "us-east-1", true, Optional.of(S3Fixture.ACCESS_KEY),
                    Optional.of("not-the-secret-the-store-knows")))));

    @AfterAll
    static void stopS3() {
        S3.close();
    }

    @Test
    void refusedCredentialsFailTheVersionWithTheStoresAnswer() {
        S3.client().createBucket(b -> b.bucket("locked"));
        S3.client().putObject(p -> p.bucket("locked").key("agent.zip"), RequestBody.fromBytes(
                io.hearth.testing.Agents.pythonCounterZip("")));
        var fx = new ControlPlaneFixture(HEARTH);
        var created = fx.control.createAgentRuntime(r -> r.agentRuntimeName(ControlPlaneFixture.uniqueName("denied"))
                .agentRuntimeArtifact(a -> a.codeConfiguration(c -> c
                        .code(code -> code.s3(s3 -> s3.bucket("locked").prefix("agent.zip")))
                        .runtime("PYTHON_3_12")
                        .entryPoint("agent.py")))
                .roleArn(ROLE)
                .networkConfiguration(n -> n.networkMode(NetworkMode.PUBLIC)));
        var settled = fx.awaitSettled(created.agentRuntimeId());
        assertThat(settled.status()).isEqualTo(AgentRuntimeStatus.CREATE_FAILED);
        // s3proxy answers a bad signature as AWS does: 403 SignatureDoesNotMatch (AccessDenied for a key without rights).
        assertThat(settled.failureReason()).contains("s3://locked/agent.zip").containsAnyOf("SignatureDoesNotMatch", "AccessDenied");
    }
}
