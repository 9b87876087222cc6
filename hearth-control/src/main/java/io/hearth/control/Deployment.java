package io.hearth.control;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

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
 * @param requestHeaderAllowlist extra request headers forwarded to the agent, as configured (case as given)
 * @param serverProtocol         {@code HTTP}, {@code MCP}, {@code A2A} or {@code AGUI}
 * @param jwtAuthorized          whether the runtime has a {@code customJWTAuthorizer} (then {@code Authorization} is forwarded)
 * @param tags                   the runtime's tags; {@code hearth:*} tags carry Hearth-native settings
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
        List<String> requestHeaderAllowlist,
        String serverProtocol,
        boolean jwtAuthorized,
        Map<String, String> tags) {

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
        requestHeaderAllowlist = List.copyOf(requestHeaderAllowlist);
        tags = Map.copyOf(tags);
    }
}
