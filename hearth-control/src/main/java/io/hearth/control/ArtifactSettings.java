package io.hearth.control;

import static java.util.Objects.requireNonNull;

import io.hearth.image.RegistrySettings;
import java.util.Optional;

/**
 * Where code artifacts come from and how much they may unpack to. Without S3 settings, {@code code.s3} names an entry
 * of Hearth's own artifact store under the data dir (what {@code ./hearth up} uses); with them, an object or prefix
 * of that S3 API. {@code containerConfiguration} images are pulled from the registries as {@code registries} says.
 *
 * @param defaultDriver the sandbox driver a runtime without a {@code hearth:isolation} tag runs under, when known:
 *                      an image version that would run under {@code process} fails at once, rather than at every
 *                      session's start
 */
public record ArtifactSettings(Optional<S3Settings> s3, ExtractionLimits limits, RegistrySettings registries,
        Optional<String> defaultDriver) {
    public static final ArtifactSettings DEFAULT = new ArtifactSettings(Optional.empty(), ExtractionLimits.DEFAULT,
            RegistrySettings.defaults(), Optional.empty());

    public ArtifactSettings {
        requireNonNull(s3, "s3");
        requireNonNull(limits, "limits");
        requireNonNull(registries, "registries");
        requireNonNull(defaultDriver, "defaultDriver");
    }

    public ArtifactSettings withS3(S3Settings settings) {
        return new ArtifactSettings(Optional.of(settings), limits, registries, defaultDriver);
    }

    public ArtifactSettings withLimits(ExtractionLimits newLimits) {
        return new ArtifactSettings(s3, newLimits, registries, defaultDriver);
    }

    public ArtifactSettings withRegistries(RegistrySettings newRegistries) {
        return new ArtifactSettings(s3, limits, newRegistries, defaultDriver);
    }

    public ArtifactSettings withDefaultDriver(String driver) {
        return new ArtifactSettings(s3, limits, registries, Optional.of(driver));
    }
}
