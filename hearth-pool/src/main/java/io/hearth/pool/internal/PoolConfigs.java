package io.hearth.pool.internal;

import static java.util.Objects.requireNonNull;

import io.hearth.api.Json;
import io.hearth.deployment.Deployment;
import io.hearth.pool.PoolConfig;
import io.hearth.pool.PoolKey;
import io.hearth.store.Store;
import io.hearth.store.StoredPool;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pool configuration that applies to each endpoint: what was set through Hearth's API (stored with the
 * endpoint, survives restarts) wins over what the runtime's tags ask for. Pre-warm windows are not configuration:
 * they live in their {@link Pool} and add to whatever applies here.
 */
public final class PoolConfigs {
    private static final Logger LOG = LoggerFactory.getLogger(PoolConfigs.class);

    /** The configuration that applies to an endpoint, and where it comes from ({@code api} or {@code tags}). */
    public record Applied(PoolConfig config, String source) {
        public Applied {
            requireNonNull(config, "config");
            requireNonNull(source, "source");
        }
    }

    private final Store store;
    private final Clock clock;
    private final Map<PoolKey, PoolConfig> api = new ConcurrentHashMap<>();

    /** Loads every stored pool configuration. */
    public PoolConfigs(Store store, Clock clock) {
        this.store = requireNonNull(store, "store");
        this.clock = requireNonNull(clock, "clock");
        for (StoredPool stored : store.transaction(tx -> tx.pools())) {
            api.put(new PoolKey(stored.runtimeId(), stored.endpointName()),
                    Json.read(stored.config().getBytes(StandardCharsets.UTF_8), PoolConfig.class));
        }
    }

    /** Stores an endpoint's configuration, replacing what the API set before and taking precedence over tags. */
    public void save(PoolKey key, PoolConfig config) {
        store.transaction(tx -> {
            tx.savePool(new StoredPool(key.runtimeId(), key.endpointName(), Json.writeString(config), clock.instant()));
            return null;
        });
        api.put(key, config);
    }

    /** Deletes an endpoint's API-set configuration (tags apply again, if any); false when it had none. */
    public boolean delete(PoolKey key) {
        store.transaction(tx -> {
            tx.deletePool(key.runtimeId(), key.endpointName());
            return null;
        });
        return api.remove(key) != null;
    }

    /** Forgets the configurations of a deleted runtime (the store drops its rows with the runtime). */
    public void runtimeDeleted(String runtimeId) {
        api.keySet().removeIf(k -> k.runtimeId().equals(runtimeId));
    }

    /** Endpoints with an API-set configuration. */
    public Set<PoolKey> configured() {
        return Set.copyOf(api.keySet());
    }

    /** What applies to {@code key} served by {@code serving} (if it serves anything): the API's, else the tags'. */
    public Optional<Applied> applied(PoolKey key, Optional<Deployment> serving) {
        PoolConfig set = api.get(key);
        if (set != null) {
            return Optional.of(new Applied(set, "api"));
        }
        return serving.flatMap(PoolConfigs::fromTags).map(c -> new Applied(c, "tags"));
    }

    /** The pool the runtime's tags ask for; bad tags are logged and ignored rather than failing every pass. */
    public static Optional<PoolConfig> fromTags(Deployment d) {
        try {
            return PoolConfig.fromTags(d.settings());
        } catch (IllegalArgumentException e) {
            LOG.warn("runtime {}: ignoring its pool tags: {}", d.runtimeId(), e.getMessage());
            return Optional.empty();
        }
    }
}
