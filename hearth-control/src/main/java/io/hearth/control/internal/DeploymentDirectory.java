package io.hearth.control.internal;

import io.hearth.api.ApiException;
import io.hearth.api.Json;
import io.hearth.deployment.AgentIdentity;
import io.hearth.deployment.DeployedImage;
import io.hearth.deployment.Deployment;
import io.hearth.deployment.HearthTags;
import io.hearth.deployment.ServerProtocol;
import io.hearth.deployment.DeploymentListener;
import io.hearth.deployment.Deployments;
import io.hearth.store.Store;
import io.hearth.store.StoredEndpoint;
import io.hearth.store.StoredRuntime;
import io.hearth.store.StoredVersion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;

/**
 * The data plane's view of the control plane: resolved deployments cached in memory (the hot path never touches
 * the database), dropped by every write, and the listeners told of changes.
 *
 * <p>The cache is replaced, never cleared: a lookup fills the map that was current when it began, so a lookup that
 * read the store before a write can only fill a map that write has already retired. Writers call {@link #changed()}
 * inside their transaction, and the store runs one transaction at a time: a lookup that begins after the call
 * reads the store after the commit. Once a write has answered, no lookup answers what it replaced.
 */
final class DeploymentDirectory implements Deployments {
    private static final Logger LOG = LoggerFactory.getLogger(DeploymentDirectory.class);
    private static final TypeReference<LinkedHashMap<String, String>> STRING_MAP = new TypeReference<>() {};

    private final Store store;
    private final AtomicReference<Map<String, Deployment>> cache = new AtomicReference<>(new ConcurrentHashMap<>());
    private final List<DeploymentListener> listeners = new CopyOnWriteArrayList<>();
    /** Runs between reading a deployment and caching it: tests hold a lookup there to interleave a write. */
    volatile Runnable beforeCaching = () -> {};

    DeploymentDirectory(Store store) {
        this.store = store;
    }

    @Override
    public Deployment resolve(String runtimeId, String qualifier) {
        String key = key(runtimeId, qualifier);
        Map<String, Deployment> generation = cache.get();
        Deployment cached = generation.get(key);
        if (cached != null) {
            return cached;
        }
        Deployment deployment = store.transaction(tx -> {
            StoredRuntime runtime = tx.runtime(runtimeId).orElseThrow(() -> ApiException.notFound(
                    "Agent runtime " + runtimeId + " not found"));
            StoredEndpoint endpoint = tx.endpoint(runtimeId, qualifier).orElseThrow(() -> ApiException.notFound(
                    "Endpoint " + qualifier + " not found on agent runtime " + runtimeId));
            if (endpoint.liveVersion().isEmpty()) {
                throw ApiException.conflict("Endpoint " + qualifier + " of agent runtime " + runtimeId + " is "
                        + endpoint.status() + endpoint.failureReason().map(r -> ": " + r).orElse("")
                        + " (expected: READY; no version serves it yet)");
            }
            int version = endpoint.liveVersion().getAsInt();
            StoredVersion stored = tx.version(runtimeId, version).orElseThrow(() -> ApiException.conflict(
                    "Version " + version + " of agent runtime " + runtimeId + " is gone"));
            return deployment(runtime, qualifier, stored);
        });
        beforeCaching.run();
        generation.put(key, deployment);
        return deployment;
    }

    @Override
    public Deployment resolve(String tenant, String runtimeId, String qualifier) {
        Deployment cached = cache.get().get(key(runtimeId, qualifier));
        if (cached == null && store.transaction(tx -> tx.runtime(tenant, runtimeId)).isEmpty()) {
            throw ApiException.notFound("Agent runtime " + runtimeId + " not found");
        }
        Deployment deployment = resolve(runtimeId, qualifier);
        if (!Deployments.ownerOf(deployment).equals(tenant)) {
            throw ApiException.notFound("Agent runtime " + runtimeId + " not found");
        }
        return deployment;
    }

    @Override
    public Optional<Deployment> cached(String runtimeId, String qualifier) {
        return Optional.ofNullable(cache.get().get(key(runtimeId, qualifier)));
    }

    @Override
    public List<Deployment> serving() {
        return store.transaction(tx -> {
            var serving = new ArrayList<Deployment>();
            for (StoredEndpoint endpoint : tx.liveEndpoints()) {
                var runtime = tx.runtime(endpoint.runtimeId());
                var version = tx.version(endpoint.runtimeId(), endpoint.liveVersion().getAsInt());
                if (runtime.isPresent() && version.isPresent() && version.get().launch().isPresent()) {
                    serving.add(deployment(runtime.get(), endpoint.name(), version.get()));
                }
            }
            return serving;
        });
    }

    @Override
    public void addListener(DeploymentListener listener) {
        listeners.add(listener);
    }

    /**
     * Retires every cached deployment. Call inside the writing transaction (see the class comment); a transaction
     * that then rolls back has only cost the cache.
     */
    void changed() {
        cache.set(new ConcurrentHashMap<>());
    }

    void tell(Consumer<DeploymentListener> event) {
        for (DeploymentListener listener : listeners) {
            try {
                event.accept(listener);
            } catch (RuntimeException e) {
                LOG.warn("deployment listener {} failed", listener, e);
            }
        }
    }

    private static String key(String runtimeId, String qualifier) {
        return runtimeId + "\n" + qualifier;
    }

    private static Deployment deployment(StoredRuntime runtime, String endpointName, StoredVersion version) {
        JsonNode config = Views.config(version);
        JsonNode launch = Json.tree(version.launch().orElseThrow(() -> ApiException.conflict(
                "Version " + version.version() + " of agent runtime " + runtime.id() + " is " + version.status()))
                .getBytes(StandardCharsets.UTF_8));
        var environment = new LinkedHashMap<String, String>(Json.mapper().convertValue(launch.path("environment"), STRING_MAP));
        if (config.has("environmentVariables")) {
            environment.putAll(Json.mapper().convertValue(config.get("environmentVariables"), STRING_MAP));
        }
        var command = new ArrayList<String>();
        launch.path("command").forEach(arg -> command.add(arg.stringValue()));
        var allowlist = new HashSet<String>();
        config.path("requestHeaderConfiguration").path("requestHeaderAllowlist").forEach(h -> allowlist.add(h.stringValue()));
        JsonNode lifecycle = config.path("lifecycleConfiguration");
        return new Deployment(
                runtime.id(),
                runtime.arn(),
                runtime.name(),
                endpointName,
                Integer.toString(version.version()),
                Path.of(launch.path("code").stringValue()),
                command,
                environment,
                Duration.ofSeconds(lifecycle.path("idleRuntimeSessionTimeout").longValue(Lifecycle.DEFAULT_IDLE)),
                Duration.ofSeconds(lifecycle.path("maxLifetime").longValue(Lifecycle.DEFAULT_MAX)),
                allowlist,
                ServerProtocol.parse(config.path("protocolConfiguration").path("serverProtocol").stringValue("HTTP")),
                config.path("authorizerConfiguration").has("customJWTAuthorizer"),
                HearthTags.parse(runtime.tags()),
                new AgentIdentity(Optional.ofNullable(config.path("roleArn").stringValue(null)),
                        config.path("metadataConfiguration").path("requireMMDSV2").booleanValue(false)),
                Optional.ofNullable(config.path("authorizerConfiguration").get("customJWTAuthorizer")).map(JsonNode::toString),
                image(launch.path("image")),
                FilesystemConfigurations.sessionStorage(config));
    }

    private static Optional<DeployedImage> image(JsonNode image) {
        if (!image.isObject()) {
            return Optional.empty();
        }
        return Optional.of(new DeployedImage(image.path("reference").stringValue(), image.path("digest").stringValue(),
                Path.of(image.path("rootfs").stringValue()), image.path("uid").intValue(0), image.path("gid").intValue(0),
                image.path("workingDir").stringValue(""), Json.mapper().convertValue(image.path("env"), STRING_MAP)));
    }
}
