package io.hearth.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hearth.image.TestImages.Compression;
import io.hearth.image.TestImages.Pusher;
import io.hearth.image.TestImages.Tar;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Bearer flow: 401 with a realm, a token fetched there with Basic credentials, the request again with it. */
class RegistryTokenAuthTest {
    @TempDir
    Path dir;

    @Test
    void pullsThroughTheTokenServiceWithCredentialsAndNamesTheFailureWithout() throws Exception {
        TestRegistry.assumeInstalled();
        try (var tokens = TokenService.start(dir.resolve("tokens"), "bob:t0ken-pass");
                var registry = TestRegistry.startWithTokens(dir.resolve("registry"), tokens);
                var pusher = new Pusher(registry.host(), Optional.of("Bearer " + tokens.pushToken("team/agent")))) {
            var layer = new Tar().file("hello.txt", "behind a token").layer(Compression.ZSTD);
            pusher.image("team/agent", "v1", TestImages.OCI_MANIFEST, TestImages.OCI_CONFIG,
                    TestImages.config("amd64", Map.of()), List.of(layer));
            var reference = ImageReference.parse(registry.host() + "/team/agent:v1");
            RegistrySettings anonymous = RegistrySettings.defaults().withInsecure(registry.host());

            try (var store = new ImageStore(dir.resolve("anonymous"), anonymous, ImageLimits.defaults())) {
                assertThatThrownBy(() -> store.pull(reference, PullProgress.NONE))
                        .isInstanceOf(ImageException.class)
                        .hasMessage("registry " + registry.host() + " needs credentials to pull team/agent (401"
                                + " unauthorized; expected: credentials configured for " + registry.host() + ")");
            }
            try (var store = new ImageStore(dir.resolve("wrong"), anonymous.withCredentials(registry.host(),
                    new RegistryCredentials.Basic("bob", "nope")), ImageLimits.defaults())) {
                assertThatThrownBy(() -> store.pull(reference, PullProgress.NONE))
                        .hasMessageStartingWith("registry " + registry.host() + " refused the credentials")
                        .extracting(e -> ((ImageException) e).reason())
                        .isEqualTo(ImageException.Reason.UNAUTHORIZED);
            }
            try (var store = new ImageStore(dir.resolve("allowed"), anonymous.withCredentials(registry.host(),
                    new RegistryCredentials.Basic("bob", "t0ken-pass")), ImageLimits.defaults())) {
                PulledImage image = store.pull(reference, PullProgress.NONE);
                assertThat(image.rootfs().resolve("hello.txt")).hasContent("behind a token");
            }
        }
    }
}
