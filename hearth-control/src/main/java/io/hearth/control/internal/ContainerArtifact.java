package io.hearth.control.internal;

import static java.util.Objects.requireNonNull;

import io.hearth.image.ImageReference;
import java.util.regex.Pattern;

/**
 * {@code agentRuntimeArtifact.containerConfiguration}: the image a version runs. AgentCore accepts ECR names only;
 * Hearth accepts any registry (ECR names map to a configured one), but like AgentCore it wants the registry
 * spelled out, so the same URI means the same image whatever the server's defaults.
 */
record ContainerArtifact(String containerUri) implements RuntimeArtifact {
    static final String FIELD = "agentRuntimeArtifact.containerConfiguration.containerUri";
    static final int MAX_LENGTH = 1024;
    private static final String COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
    /** {@code <registry host[:port]>/<repository>[:tag][@sha256:<hex>]}. */
    static final Pattern URI = Pattern.compile("(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?"
            + "(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]{1,5})?)/" + COMPONENT + "(?:/" + COMPONENT + ")*"
            + "(?::[A-Za-z0-9_][A-Za-z0-9._-]{0,127})?(?:@sha256:[0-9a-f]{64})?");
    static final String EXPECTED = "<registry>/<repository>[:tag][@sha256:<digest>], for example "
            + "123456789012.dkr.ecr.us-east-1.amazonaws.com/my-agent:v1";

    ContainerArtifact {
        requireNonNull(containerUri, "containerUri");
        reference(containerUri);
    }

    ImageReference reference() {
        return reference(containerUri);
    }

    /** @throws IllegalArgumentException naming the URI and the form expected */
    static ImageReference reference(String uri) {
        if (uri.length() > MAX_LENGTH || !URI.matcher(uri).matches() || !hasRegistry(uri)) {
            throw new IllegalArgumentException(FIELD + ": " + uri + " (expected: " + EXPECTED + ")");
        }
        return ImageReference.parse(uri);
    }

    /** {@code python:3.13} or {@code team/agent} would mean Docker Hub to {@code docker pull}; here a registry is named. */
    private static boolean hasRegistry(String uri) {
        String first = uri.substring(0, uri.indexOf('/'));
        return first.contains(".") || first.contains(":") || first.equals("localhost");
    }
}
