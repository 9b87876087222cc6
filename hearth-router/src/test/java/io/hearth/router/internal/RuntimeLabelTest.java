package io.hearth.router.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hearth.api.ApiException;
import io.hearth.api.AwsIdentity;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RuntimeLabelTest {
    private final AwsIdentity identity = new AwsIdentity("eu-west-1", "123456789012");

    @Test
    void takesTheRuntimeIdOutOfAnArnOfThisRegionAndAccount() {
        String arn = "arn:aws:bedrock-agentcore:eu-west-1:123456789012:runtime/my_agent-abcDEF1234";
        assertThat(RuntimeLabel.runtimeId(arn, Optional.empty(), identity)).isEqualTo("my_agent-abcDEF1234");
    }

    @Test
    void refusesAnArnOfAnotherRegionAsNotFound() {
        String arn = "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/my_agent-abcDEF1234";
        assertThatThrownBy(() -> RuntimeLabel.runtimeId(arn, Optional.empty(), identity))
                .isInstanceOf(ApiException.NotFound.class)
                .hasMessageContaining("eu-west-1");
    }

    @Test
    void acceptsARuntimeIdWithTheRightAccountOnly() {
        assertThat(RuntimeLabel.runtimeId("my_agent-abcDEF1234", Optional.of("123456789012"), identity)).isEqualTo("my_agent-abcDEF1234");
        assertThatThrownBy(() -> RuntimeLabel.runtimeId("my_agent-abcDEF1234", Optional.empty(), identity))
                .isInstanceOfSatisfying(ApiException.Validation.class, e -> assertThat(e.fieldList()).extracting("name").containsExactly("accountId"));
        assertThatThrownBy(() -> RuntimeLabel.runtimeId("my_agent-abcDEF1234", Optional.of("12"), identity))
                .isInstanceOf(ApiException.Validation.class);
        assertThatThrownBy(() -> RuntimeLabel.runtimeId("my_agent-abcDEF1234", Optional.of("999999999999"), identity))
                .isInstanceOf(ApiException.NotFound.class);
    }

    @Test
    void aLabelSeenBeforeIsStillCheckedForRegionAndTenantEveryTime() {
        String arn = "arn:aws:bedrock-agentcore:eu-west-1:123456789012:runtime/again_agent-abcDEF1234";
        for (int i = 0; i < 3; i++) {
            assertThat(RuntimeLabel.runtimeId(arn, Optional.empty(), identity)).isEqualTo("again_agent-abcDEF1234");
            assertThatThrownBy(() -> RuntimeLabel.runtimeId(arn, Optional.empty(), identity, "210987654321"))
                    .isInstanceOf(ApiException.NotFound.class);
            assertThatThrownBy(() -> RuntimeLabel.runtimeId(arn, Optional.empty(), new AwsIdentity("us-east-1", "123456789012")))
                    .isInstanceOf(ApiException.NotFound.class).hasMessageContaining("us-east-1");
            assertThat(RuntimeLabel.runtimeId("again_agent-abcDEF1234", Optional.of("123456789012"), identity))
                    .isEqualTo("again_agent-abcDEF1234");
            assertThatThrownBy(() -> RuntimeLabel.runtimeId("again_agent-abcDEF1234", Optional.of("210987654321"), identity))
                    .isInstanceOf(ApiException.NotFound.class);
            assertThatThrownBy(() -> RuntimeLabel.runtimeId("again_agent-abcDEF1234", Optional.empty(), identity))
                    .isInstanceOf(ApiException.Validation.class);
            assertThatThrownBy(() -> RuntimeLabel.runtimeId("arn:aws:s3:::bucket", Optional.empty(), identity))
                    .isInstanceOf(ApiException.Validation.class);
        }
    }

    @Test
    void refusesLabelsThatAreNeitherArnNorId() {
        assertThatThrownBy(() -> RuntimeLabel.runtimeId("arn:aws:s3:::bucket", Optional.empty(), identity))
                .isInstanceOf(ApiException.Validation.class);
        assertThatThrownBy(() -> RuntimeLabel.runtimeId("../etc", Optional.of("123456789012"), identity))
                .isInstanceOf(ApiException.Validation.class);
    }
}
