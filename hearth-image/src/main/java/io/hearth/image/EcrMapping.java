package io.hearth.image;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where Amazon ECR names are pulled from instead: {@code <account>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag>}
 * becomes {@code <registry>/<repositoryPrefix>/<repo>:<tag>}, so a CreateAgentRuntime call written for AWS pulls,
 * unchanged, from the operator's own registry.
 *
 * @param registry         {@code host[:port]} of the registry that holds the images
 * @param repositoryPrefix prepended to the repository ({@code team/agents}), or empty
 */
public record EcrMapping(String registry, String repositoryPrefix) {
    private static final Pattern ECR_HOST =
            Pattern.compile("[0-9]{12}\\.dkr\\.ecr(?:-fips)?\\.[a-z0-9-]+\\.amazonaws\\.com(?:\\.cn)?");

    public EcrMapping {
        requireNonNull(registry, "registry");
        requireNonNull(repositoryPrefix, "repositoryPrefix");
        repositoryPrefix = repositoryPrefix.replaceAll("^/+|/+$", "");
        // Validates both parts the way a reference would.
        new ImageReference(registry, repositoryPrefix.isEmpty() ? "x" : repositoryPrefix + "/x", Optional.of("t"),
                Optional.empty());
    }

    public static boolean isEcrRegistry(String registry) {
        return ECR_HOST.matcher(registry).matches();
    }

    ImageReference map(ImageReference reference) {
        String repository = repositoryPrefix.isEmpty()
                ? reference.repository() : repositoryPrefix + "/" + reference.repository();
        return reference.withLocation(registry, repository);
    }
}
