package io.hearth.control.internal;

import static java.util.Objects.requireNonNull;

import io.hearth.image.ImageUser;
import io.hearth.image.PulledImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How one resolved version starts: its own copy of the code, the argv (absolute executable first), and the
 * variables its runtime adds before the user's. With an image, {@code code} is the image's root filesystem and the
 * argv its ENTRYPOINT and CMD, whose program may be a name on the image's {@code PATH}.
 */
record LaunchPlan(Path code, List<String> command, Map<String, String> environment, Optional<ImagePlan> image) {
    /** A pulled image and its {@code USER} resolved in its own root filesystem. */
    record ImagePlan(PulledImage pulled, ImageUser user) {
        ImagePlan {
            requireNonNull(pulled, "pulled");
            requireNonNull(user, "user");
        }

        String manifestDigest() {
            return pulled.manifestDigest();
        }
    }

    LaunchPlan {
        requireNonNull(code, "code");
        requireNonNull(image, "image");
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
        if (command.isEmpty() || command.getFirst().isEmpty()
                || (image.isEmpty() && !command.getFirst().startsWith("/"))) {
            throw new IllegalArgumentException("command: " + command + " (expected: an absolute executable first)");
        }
    }

    LaunchPlan(Path code, List<String> command, Map<String, String> environment) {
        this(code, command, environment, Optional.empty());
    }
}
