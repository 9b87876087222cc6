package io.hearth.deployment;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the data plane needs to run one version of a runtime behind one endpoint: resolved, immutable facts.
 *
 * @param runtimeId              {@code <name>-<10 alphanumerics>}
 * @param runtimeArn             the runtime's ARN
 * @param endpointName           the endpoint the call named ({@code DEFAULT} when it named none)
 * @param version                the version that endpoint serves now ({@code "1"}, {@code "2"}, ...)
 * @param code                   the version's own immutable copy of the code
 * @param command                argv: absolute executable first, then paths relative to {@code code}
 * @param environment            the version's environment variables
 * @param idleTimeout            {@code idleRuntimeSessionTimeout}
 * @param maxLifetime            {@code maxLifetime}
 * @param forwardedHeaders       the runtime's {@code requestHeaderAllowlist}, lower-cased once here so the data plane
 *                               matches header names without re-reading the configuration per request
 * @param serverProtocol         how the agent is reached in its sandbox
 * @param jwtAuthorized          whether the runtime has a {@code customJWTAuthorizer} (then {@code Authorization} is forwarded)
 * @param settings               the runtime's {@code hearth:*} tags, parsed (they were checked at CreateAgentRuntime)
 * @param identity               the execution role the agent's AWS credentials are for, and how it may ask for them
 * @param jwtAuthorizer          the runtime's {@code customJWTAuthorizer} as stored (JSON), present exactly when
 *                               {@code jwtAuthorized}; the data plane builds the runtime's authorizer from it
 * @param image                  the container image the version runs on ({@code code} is then its root filesystem
 *                               and {@code command} its ENTRYPOINT and CMD), or empty for a code artifact
 * @param sessionStorage         the mount path of the runtime's {@code sessionStorage}, when it has one
 */
public record Deployment(
        String runtimeId,
        String runtimeArn,
        String runtimeName,
        String endpointName,
        String version,
        Path code,
        List<String> command,
        Map<String, String> environment,
        Duration idleTimeout,
        Duration maxLifetime,
        Set<String> forwardedHeaders,
        ServerProtocol serverProtocol,
        boolean jwtAuthorized,
        HearthTags settings,
        AgentIdentity identity,
        Optional<String> jwtAuthorizer,
        Optional<DeployedImage> image,
        Optional<String> sessionStorage) {

    public Deployment {
        requireNonNull(runtimeId, "runtimeId");
        requireNonNull(runtimeArn, "runtimeArn");
        requireNonNull(runtimeName, "runtimeName");
        requireNonNull(endpointName, "endpointName");
        requireNonNull(version, "version");
        requireNonNull(code, "code");
        requireNonNull(idleTimeout, "idleTimeout");
        requireNonNull(maxLifetime, "maxLifetime");
        requireNonNull(serverProtocol, "serverProtocol");
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
        forwardedHeaders = forwardedHeaders.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        requireNonNull(settings, "settings");
        requireNonNull(identity, "identity");
        requireNonNull(jwtAuthorizer, "jwtAuthorizer");
        requireNonNull(image, "image");
        requireNonNull(sessionStorage, "sessionStorage");
        if (jwtAuthorizer.isPresent() != jwtAuthorized) {
            throw new IllegalArgumentException("jwtAuthorizer: " + (jwtAuthorizer.isPresent() ? "present" : "absent")
                    + " (expected: present exactly when jwtAuthorized, here " + jwtAuthorized + ")");
        }
    }

    /** A deployment without session storage. */
    public Deployment(String runtimeId, String runtimeArn, String runtimeName, String endpointName, String version, Path code,
            List<String> command, Map<String, String> environment, Duration idleTimeout, Duration maxLifetime,
            Set<String> forwardedHeaders, ServerProtocol serverProtocol, boolean jwtAuthorized, HearthTags settings,
            AgentIdentity identity, Optional<String> jwtAuthorizer, Optional<DeployedImage> image) {
        this(runtimeId, runtimeArn, runtimeName, endpointName, version, code, command, environment, idleTimeout, maxLifetime,
                forwardedHeaders, serverProtocol, jwtAuthorized, settings, identity, jwtAuthorizer, image, Optional.empty());
    }

    /** A deployment of a code artifact. */
    public Deployment(String runtimeId, String runtimeArn, String runtimeName, String endpointName, String version, Path code,
            List<String> command, Map<String, String> environment, Duration idleTimeout, Duration maxLifetime,
            Set<String> forwardedHeaders, ServerProtocol serverProtocol, boolean jwtAuthorized, HearthTags settings,
            AgentIdentity identity, Optional<String> jwtAuthorizer) {
        this(runtimeId, runtimeArn, runtimeName, endpointName, version, code, command, environment, idleTimeout, maxLifetime,
                forwardedHeaders, serverProtocol, jwtAuthorized, settings, identity, jwtAuthorizer, Optional.empty());
    }

    /** A deployment of a runtime without a JWT authorizer. */
    public Deployment(String runtimeId, String runtimeArn, String runtimeName, String endpointName, String version, Path code,
            List<String> command, Map<String, String> environment, Duration idleTimeout, Duration maxLifetime,
            Set<String> forwardedHeaders, ServerProtocol serverProtocol, boolean jwtAuthorized, HearthTags settings,
            AgentIdentity identity) {
        this(runtimeId, runtimeArn, runtimeName, endpointName, version, code, command, environment, idleTimeout, maxLifetime,
                forwardedHeaders, serverProtocol, jwtAuthorized, settings, identity, Optional.empty());
    }

    /** A deployment without an execution role (its agent gets no AWS credentials from Hearth). */
    public Deployment(String runtimeId, String runtimeArn, String runtimeName, String endpointName, String version, Path code,
            List<String> command, Map<String, String> environment, Duration idleTimeout, Duration maxLifetime,
            Set<String> forwardedHeaders, ServerProtocol serverProtocol, boolean jwtAuthorized, HearthTags settings) {
        this(runtimeId, runtimeArn, runtimeName, endpointName, version, code, command, environment, idleTimeout, maxLifetime,
                forwardedHeaders, serverProtocol, jwtAuthorized, settings, AgentIdentity.NONE);
    }
}
