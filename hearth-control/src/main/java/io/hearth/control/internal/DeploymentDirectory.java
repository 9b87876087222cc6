package io.hearth.control.internal;

import io.hearth.api.ApiException;
import io.hearth.api.Json;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;

/**
 * The data plane's view of the control plane: resolved deployments cached in memory (the hot path never touches
 * the database), dropped whenever anything is written, and the listeners told of changes.
 */
final class DeploymentDirectory implements Deployments {
    private static final Logger LOG = LoggerFactory.getLogger(DeploymentDirectory.class);
    private static final TypeReference<LinkedHashMap<String, String>> STRING_MAP = new TypeReference<>() {};

    private final Store store;
    private final Map<String, Deployment> cache = new ConcurrentHashMap<>();
    /** Bumped on every write: a lookup that raced with a write does not cache what it read. */
    private final AtomicLong generation = new AtomicLong();
    private final List<DeploymentListener> listeners = new CopyOnWriteArrayList<>();

    DeploymentDirectory(Store store) {
        this.store = store;
    }

    @Override
    public Deployment resolve(String runtimeId, String qualifier) {
        String key = runtimeId + "\n" + qualifier;
        Deployment cached = cache.get(key);
        if (cached != null) {
            return cached;
        }
        long seen = generation.get();
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
        if (generation.get() == seen) {
            cache.put(key, deployment);
        }
        return deployment;
    }

    @Override
    public java.util.Optional<Deployment> cached(String runtimeId, String qualifier) {
        return java.util.Optional.ofNullable(cache.get(runtimeId + "\n" + qualifier));
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

    /** Forgets every cached deployment: call after any write has committed. */
    void changed() {
        generation.incrementAndGet();
        cache.clear();
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
                HearthTags.parse(runtime.tags()));
    }
}
