package io.hearth.server.internal;

import static java.util.Objects.requireNonNull;

import io.hearth.api.ApiException;
import io.hearth.auth.AccessKey;
import io.hearth.auth.AccessKeys;
import io.hearth.store.Store;
import io.hearth.store.StoredAccessKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server's access keys, in the store with their secrets sealed under the {@link MasterKey}. Lookups go through a
 * small cache that every change empties, so a disabled or deleted key is refused from the next request on.
 */
public final class KeyRing implements AccessKeys {
    private static final int MAX_CACHED = 10_000;
    private static final String ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static final String SECRET_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Store store;
    private final MasterKey master;
    private final Clock clock;
    private final ConcurrentHashMap<String, Optional<AccessKey>> cache = new ConcurrentHashMap<>();

    /** What is known of a key without its secret. */
    public record KeyInfo(String id, String tenant, boolean enabled, String createdAt, String description) {}

    public KeyRing(Store store, MasterKey master, Clock clock) {
        this.store = requireNonNull(store, "store");
        this.master = requireNonNull(master, "master");
        this.clock = requireNonNull(clock, "clock");
    }

    @Override
    public Optional<AccessKey> find(String accessKeyId) {
        Optional<AccessKey> cached = cache.get(accessKeyId);
        if (cached != null) {
            return cached;
        }
        Optional<AccessKey> found = store.transaction(tx -> tx.accessKey(accessKeyId)).map(this::open);
        if (cache.size() >= MAX_CACHED) {
            cache.clear();
        }
        cache.put(accessKeyId, found);
        return found;
    }

    /** A new enabled key of {@code tenant}; the only time its secret is handed out. */
    public AccessKey create(String tenant, String description) {
        var key = new AccessKey("HK" + random(ID_CHARS, 18), random(SECRET_CHARS, 40), tenant, true);
        save(key, description);
        return key;
    }

    /** Stores {@code key} as given (enabled or not), replacing a key with its id. */
    public void save(AccessKey key, String description) {
        var createdAt = store.transaction(tx -> tx.accessKey(key.id()).map(StoredAccessKey::createdAt))
                .orElse(clock.instant());
        store.transaction(tx -> {
            tx.saveAccessKey(new StoredAccessKey(key.id(), key.tenant(), master.seal(key.secret(), key.id()),
                    key.enabled(), createdAt, description));
            return null;
        });
        cache.clear();
    }

    public boolean isEmpty() {
        return store.transaction(tx -> tx.accessKeys().isEmpty());
    }

    public List<KeyInfo> list() {
        return store.transaction(tx -> tx.accessKeys()).stream().map(KeyRing::info).toList();
    }

    /** @throws ApiException.NotFound when there is no such key */
    public KeyInfo setEnabled(String id, boolean enabled) {
        KeyInfo info = store.transaction(tx -> {
            StoredAccessKey key = tx.accessKey(id).orElseThrow(() -> notFound(id));
            if (!enabled && key.enabled()) {
                requireAnotherEnabled(tx.accessKeys(), key);
            }
            var changed = new StoredAccessKey(key.id(), key.tenant(), key.sealedSecret(), enabled, key.createdAt(),
                    key.description());
            tx.saveAccessKey(changed);
            return info(changed);
        });
        cache.clear();
        return info;
    }

    /** @throws ApiException.NotFound when there is no such key */
    public void delete(String id) {
        store.transaction(tx -> {
            StoredAccessKey key = tx.accessKey(id).orElseThrow(() -> notFound(id));
            if (key.enabled()) {
                requireAnotherEnabled(tx.accessKeys(), key);
            }
            tx.deleteAccessKey(id);
            return null;
        });
        cache.clear();
    }

    /** The last enabled key of a tenant stays: without it nobody could sign a request to make another. */
    private static void requireAnotherEnabled(List<StoredAccessKey> all, StoredAccessKey key) {
        boolean another = all.stream().anyMatch(k -> k.enabled() && !k.id().equals(key.id()) && k.tenant().equals(key.tenant()));
        if (!another) {
            throw ApiException.conflict("access key " + key.id() + " is the last enabled key of account " + key.tenant()
                    + " (expected: create another key first)");
        }
    }

    private AccessKey open(StoredAccessKey stored) {
        return new AccessKey(stored.id(), master.open(stored.sealedSecret(), stored.id()), stored.tenant(), stored.enabled());
    }

    private static KeyInfo info(StoredAccessKey k) {
        return new KeyInfo(k.id(), k.tenant(), k.enabled(), k.createdAt().toString(), k.description());
    }

    private static ApiException notFound(String id) {
        return ApiException.notFound("No access key " + id + " (expected: an id from GET /hearth/v1/keys)");
    }

    private static String random(String alphabet, int length) {
        var out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return out.toString();
    }
}
