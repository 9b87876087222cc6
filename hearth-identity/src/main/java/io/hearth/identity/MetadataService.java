package io.hearth.identity;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpServer;
import io.hearth.api.Workers;
import io.hearth.deployment.AgentIdentity;
import io.hearth.identity.internal.ContainerCredentialsHandler;
import io.hearth.identity.internal.ImdsHandler;
import io.hearth.identity.internal.Registrations;
import io.hearth.identity.internal.RoleCredentialCache;
import io.hearth.identity.internal.StsAssumer;
import io.hearth.sandbox.MetadataRoute;
import io.hearth.sandbox.SandboxException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hearth's metadata service: each sandbox gets the AWS credentials of its runtime's execution role the way AWS SDKs
 * look for them, and nobody else's.
 *
 * <ul>
 *   <li>An instance metadata (IMDS) listener on {@link MetadataRoute#HOST_ADDRESS}, which isolated sandboxes reach
 *       as {@code 169.254.169.254:80}; the caller is known by its source address.</li>
 *   <li>A container credentials listener on {@code 127.0.0.1}, for sandboxes on the host's network (the process
 *       driver): each gets a URL path and a token of its own in its environment.</li>
 * </ul>
 * Neither listener binds any other address of the host.
 */
public final class MetadataService implements SandboxIdentities, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetadataService.class);

    private final Registrations registrations;
    private final RoleCredentialCache credentials;
    private final Workers workers = Workers.bounded("hearth-metadata", 32, 1_000);
    private final HttpServer container;
    private final Optional<HttpServer> imds;
    private final Set<String> warnedRoles = ConcurrentHashMap.newKeySet();

    private MetadataService(RoleCredentialSources sources, Function<InetAddress, Optional<String>> sandboxAt, String region,
            boolean routeSandboxes) {
        this.registrations = new Registrations(sandboxAt);
        this.credentials = new RoleCredentialCache(sources, new StsAssumer(region), Clock.systemUTC());
        var imdsHandler = new ImdsHandler(registrations, credentials, region, Clock.systemUTC());
        try {
            container = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            container.createContext("/", new ContainerCredentialsHandler(registrations, credentials, Clock.systemUTC()));
            container.setExecutor(workers);
            container.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for container credentials on 127.0.0.1", e);
        }
        imds = routeSandboxes ? startImds(imdsHandler) : Optional.empty();
    }

    /**
     * Starts both listeners.
     *
     * @param sandboxAt      which sandbox a source address belongs to (the drivers know)
     * @param region         what {@code placement/region} answers, and STS's region unless a role names its own
     * @param routeSandboxes whether to listen for isolated sandboxes too (needs root, for the host address); when that
     *                       fails, it is logged and only the container listener serves
     */
    public static MetadataService start(RoleCredentialSources sources, Function<InetAddress, Optional<String>> sandboxAt,
            String region, boolean routeSandboxes) {
        requireNonNull(sources, "sources");
        requireNonNull(sandboxAt, "sandboxAt");
        requireNonNull(region, "region");
        return new MetadataService(sources, sandboxAt, region, routeSandboxes);
    }

    private Optional<HttpServer> startImds(ImdsHandler handler) {
        try {
            MetadataRoute.prepareHost();
            HttpServer server = HttpServer.create(new InetSocketAddress(MetadataRoute.HOST_ADDRESS, 0), 0);
            server.createContext("/", handler);
            server.setExecutor(workers);
            server.start();
            return Optional.of(server);
        } catch (IOException | SandboxException e) {
            LOG.warn("instance metadata for isolated sandboxes is off: cannot listen on {} ({}); agents in namespaces or "
                    + "gvisor sandboxes get no AWS credentials from Hearth", MetadataRoute.HOST_ADDRESS.getHostAddress(), e.getMessage());
            return Optional.empty();
        }
    }

    /** The container credentials listener ({@code 127.0.0.1:<port>}). */
    public InetSocketAddress containerAddress() {
        return container.getAddress();
    }

    /** The IMDS listener, when isolated sandboxes are served. */
    public Optional<InetSocketAddress> imdsAddress() {
        return imds.map(HttpServer::getAddress);
    }

    /** Logs, once per role, that a runtime's role has no credential source: its agents will get 404s. */
    public void warnIfUnserved(String runtimeArn, AgentIdentity identity) {
        identity.roleArn().filter(role -> !credentials.hasSource(role) && warnedRoles.add(role)).ifPresent(role ->
                LOG.warn("agent runtime {} runs as role {}, which has no credential source: its agents' AWS SDKs will get "
                        + "404 from the metadata service (add the role to the --role-credentials file)", runtimeArn, role));
    }

    @Override
    public Registration register(String sandboxId, AgentIdentity identity, boolean hostNetwork) {
        if (identity.roleArn().isEmpty()) {
            return Registration.NONE;
        }
        if (hostNetwork) {
            Registrations.ContainerGrant grant = registrations.registerContainer(sandboxId, identity);
            String uri = "http://127.0.0.1:" + container.getAddress().getPort() + grant.path();
            return new Registration(Map.of("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri,
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN", grant.token()),
                    Optional.empty(), () -> registrations.forget(sandboxId));
        }
        if (imds.isEmpty()) {
            return Registration.NONE;
        }
        registrations.registerSandbox(sandboxId, identity);
        return new Registration(Map.of(), Optional.of(new MetadataRoute(imds.get().getAddress().getPort())),
                () -> registrations.forget(sandboxId));
    }

    @Override
    public void close() {
        imds.ifPresent(s -> s.stop(0));
        container.stop(0);
        workers.close(Duration.ofSeconds(2));
        credentials.close();
    }
}
