package io.hearth.image;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where an image lives: {@code registry[:port]/repository[:tag][@sha256:<hex>]}. A reference without a registry
 * host (no dot, no port, not {@code localhost} in its first component) is Docker Hub's, as every container tool
 * reads it; one with neither tag nor digest means {@code latest}.
 *
 * @param registry   {@code host[:port]}
 * @param repository the path inside the registry, lower case, {@code /}-separated
 * @param tag        the tag, when given
 * @param digest     {@code sha256:<64 hex>}, when given; it wins over the tag
 */
public record ImageReference(String registry, String repository, Optional<String> tag, Optional<String> digest) {
    static final String EXPECTED = "registry[:port]/repository[:tag][@sha256:<64 hex digits>]";
    public static final String DOCKER_HUB = "docker.io";

    private static final Pattern REGISTRY = Pattern.compile(
            "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*"
                    + "|\\[[0-9a-fA-F:]+\\])(?::[0-9]{1,5})?");
    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

    public ImageReference {
        requireNonNull(registry, "registry");
        requireNonNull(repository, "repository");
        requireNonNull(tag, "tag");
        requireNonNull(digest, "digest");
        if (!REGISTRY.matcher(registry).matches()) {
            throw new IllegalArgumentException("registry: " + registry + " (expected: host[:port])");
        }
        if (repository.isEmpty() || repository.length() > 255) {
            throw new IllegalArgumentException("repository: " + repository + " (expected: 1 to 255 characters)");
        }
        for (String component : repository.split("/", -1)) {
            if (!COMPONENT.matcher(component).matches()) {
                throw new IllegalArgumentException("repository: " + repository
                        + " (expected: lower-case components of letters, digits and . _ - separated by /)");
            }
        }
        tag.ifPresent(t -> {
            if (!TAG.matcher(t).matches()) {
                throw new IllegalArgumentException("tag: " + t + " (expected: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127})");
            }
        });
        digest.ifPresent(d -> {
            if (!DIGEST.matcher(d).matches()) {
                throw new IllegalArgumentException("digest: " + d + " (expected: sha256:<64 lower-case hex digits>)");
            }
        });
        if (tag.isEmpty() && digest.isEmpty()) {
            tag = Optional.of("latest");
        }
    }

    /** Parses a reference as {@code docker pull} does; anything else is an {@link IllegalArgumentException}. */
    public static ImageReference parse(String text) {
        requireNonNull(text, "image reference");
        try {
            return parseStrict(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("image reference: " + text + " (expected: " + EXPECTED + "; "
                    + e.getMessage() + ")", e);
        }
    }

    private static ImageReference parseStrict(String text) {
        if (text.isEmpty() || text.length() > 1024 || text.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
            throw new IllegalArgumentException("not 1 to 1024 printable ASCII characters");
        }
        String rest = text;
        Optional<String> digest = Optional.empty();
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = Optional.of(rest.substring(at + 1));
            rest = rest.substring(0, at);
        }
        Optional<String> tag = Optional.empty();
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = Optional.of(rest.substring(colon + 1));
            rest = rest.substring(0, colon);
        }
        String registry = DOCKER_HUB;
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            String first = rest.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.startsWith("[") || first.equals("localhost")) {
                registry = first;
                rest = rest.substring(slash + 1);
            }
        }
        if (registry.equals(DOCKER_HUB) && !rest.contains("/")) {
            rest = "library/" + rest;
        }
        return new ImageReference(registry, rest, tag, digest);
    }

    /** The same image elsewhere (a mirror, the registry an ECR name maps to). */
    public ImageReference withLocation(String newRegistry, String newRepository) {
        return new ImageReference(newRegistry, newRepository, tag, digest);
    }

    /** What the registry's manifest endpoint is asked for: the digest when there is one, else the tag. */
    public String manifestReference() {
        return digest.orElseGet(tag::orElseThrow);
    }

    @Override
    public String toString() {
        return registry + "/" + repository + tag.map(t -> ":" + t).orElse("") + digest.map(d -> "@" + d).orElse("");
    }
}
