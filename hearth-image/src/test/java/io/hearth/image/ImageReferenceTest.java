package io.hearth.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hearth.image.internal.Challenge;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ImageReferenceTest {
    private static final String DIGEST = "sha256:" + "ab".repeat(32);

    @Test
    void parsesRegistryPortPathTagAndDigest() {
        assertThat(ImageReference.parse("127.0.0.1:5000/team/agents/python:v1.2"))
                .isEqualTo(new ImageReference("127.0.0.1:5000", "team/agents/python", Optional.of("v1.2"),
                        Optional.empty()));
        assertThat(ImageReference.parse("registry.example.com/app@" + DIGEST))
                .isEqualTo(new ImageReference("registry.example.com", "app", Optional.empty(), Optional.of(DIGEST)));
        ImageReference both = ImageReference.parse("localhost/app:v1@" + DIGEST);
        assertThat(both.manifestReference()).isEqualTo(DIGEST);
        assertThat(both).hasToString("localhost/app:v1@" + DIGEST);
        assertThat(ImageReference.parse("python")).hasToString("docker.io/library/python:latest");
        assertThat(ImageReference.parse("user/app:3")).hasToString("docker.io/user/app:3");
    }

    @Test
    void refusesMalformedReferencesNamingTheExpectedForm() {
        for (String bad : new String[] {"", "Upper/Case", "host:5000/app:bad tag", "host/app@sha256:123",
                "host/app:", "host//app", "host/app:" + "t".repeat(200)}) {
            assertThatThrownBy(() -> ImageReference.parse(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("image reference: " + bad + " (expected: registry[:port]/repository"
                            + "[:tag][@sha256:<64 hex digits>]; ");
        }
    }

    @Test
    void ecrNamesMapToTheConfiguredRegistryAndMirrorsApply() {
        RegistrySettings settings = RegistrySettings.defaults()
                .withEcr(new EcrMapping("registry.internal:5000", "/aws/"))
                .withMirror("docker.io", "mirror.internal");
        assertThat(settings.locate(ImageReference.parse("123456789012.dkr.ecr.eu-west-1.amazonaws.com/agents/a:v1")))
                .hasToString("registry.internal:5000/aws/agents/a:v1");
        assertThat(settings.locate(ImageReference.parse("python:3.13"))).hasToString("mirror.internal/library/python:3.13");
        assertThat(settings.locate(ImageReference.parse("quay.io/x/y:1"))).hasToString("quay.io/x/y:1");
        assertThat(RegistrySettings.defaults().locate(ImageReference.parse(
                "123456789012.dkr.ecr.us-east-1.amazonaws.com/a:1"))).hasToString(
                "123456789012.dkr.ecr.us-east-1.amazonaws.com/a:1");
    }

    @Test
    void readsBearerChallenges() {
        Challenge challenge = Challenge.parse("Bearer realm=\"https://auth.example/token\",service=\"registry\","
                + "scope=\"repository:a/b:pull,push\"");
        assertThat(challenge.scheme()).isEqualTo("bearer");
        assertThat(challenge.parameters()).isEqualTo(Map.of("realm", "https://auth.example/token", "service",
                "registry", "scope", "repository:a/b:pull,push"));
        assertThat(Challenge.parse("Basic realm=\"x\"").scheme()).isEqualTo("basic");
    }

    @Test
    void hostPlatformUsesGoNames() {
        Platform host = Platform.host();
        assertThat(host.os()).isEqualTo("linux");
        assertThat(host.architecture()).isIn("amd64", "arm64");
        assertThat(new Platform("linux", "arm64", "v8").runs(new Platform("linux", "arm64", ""))).isTrue();
        assertThat(new Platform("linux", "amd64", "").runs(new Platform("linux", "arm64", ""))).isFalse();
    }
}
