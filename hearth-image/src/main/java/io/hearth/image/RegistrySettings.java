package io.hearth.image;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How registries are reached.
 *
 * @param credentials    per registry {@code host[:port]} (the one contacted, so a mirror's own), absent: anonymous
 * @param insecure       registries spoken to over plain HTTP (loopback test registries); every other one is HTTPS
 * @param mirrors        registry {@code host[:port]} → the one pulled from instead ({@code docker.io} → a cache)
 * @param ecr            where ECR names are pulled from, when set
 * @param connectTimeout to open a connection
 * @param requestTimeout for a registry to answer a request (headers), and for a blob stream to go silent
 */
public record RegistrySettings(Map<String, RegistryCredentials> credentials, Set<String> insecure,
        Map<String, String> mirrors, Optional<EcrMapping> ecr, Duration connectTimeout, Duration requestTimeout) {

    public RegistrySettings {
        credentials = Map.copyOf(requireNonNull(credentials, "credentials"));
        insecure = Set.copyOf(requireNonNull(insecure, "insecure"));
        mirrors = Map.copyOf(requireNonNull(mirrors, "mirrors"));
        requireNonNull(ecr, "ecr");
        requireNonNull(connectTimeout, "connectTimeout");
        requireNonNull(requestTimeout, "requestTimeout");
        positive("connectTimeout", connectTimeout);
        positive("requestTimeout", requestTimeout);
        for (var mirror : mirrors.entrySet()) {
            if (mirrors.containsKey(mirror.getValue())) {
                throw new IllegalArgumentException("mirrors: " + mirror.getKey() + " -> " + mirror.getValue()
                        + " (expected: a mirror that is not itself mirrored)");
            }
        }
    }

    /** Anonymous HTTPS to every registry, 10 s to connect, 60 s for an answer. */
    public static RegistrySettings defaults() {
        return new RegistrySettings(Map.of(), Set.of(), Map.of(), Optional.empty(), Duration.ofSeconds(10),
                Duration.ofSeconds(60));
    }

    public RegistrySettings withCredentials(String registry, RegistryCredentials credentials) {
        var all = new HashMap<>(this.credentials);
        all.put(registry, credentials);
        return new RegistrySettings(all, insecure, mirrors, ecr, connectTimeout, requestTimeout);
    }

    public RegistrySettings withInsecure(String registry) {
        var all = new HashSet<>(insecure);
        all.add(registry);
        return new RegistrySettings(credentials, all, mirrors, ecr, connectTimeout, requestTimeout);
    }

    public RegistrySettings withMirror(String registry, String mirror) {
        var all = new HashMap<>(mirrors);
        all.put(registry, mirror);
        return new RegistrySettings(credentials, insecure, all, ecr, connectTimeout, requestTimeout);
    }

    public RegistrySettings withEcr(EcrMapping mapping) {
        return new RegistrySettings(credentials, insecure, mirrors, Optional.of(mapping), connectTimeout,
                requestTimeout);
    }

    public RegistrySettings withTimeouts(Duration connect, Duration request) {
        return new RegistrySettings(credentials, insecure, mirrors, ecr, connect, request);
    }

    /** The reference actually pulled: an ECR name mapped to the configured registry, then any mirror applied. */
    public ImageReference locate(ImageReference reference) {
        ImageReference located = reference;
        if (ecr.isPresent() && EcrMapping.isEcrRegistry(located.registry())) {
            located = ecr.get().map(located);
        }
        String mirror = mirrors.get(located.registry());
        return mirror == null ? located : located.withLocation(mirror, located.repository());
    }

    public Optional<RegistryCredentials> credentialsFor(String registry) {
        return Optional.ofNullable(credentials.get(registry));
    }

    public boolean isInsecure(String registry) {
        return insecure.contains(registry);
    }

    private static void positive(String name, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: positive)");
        }
    }
}
