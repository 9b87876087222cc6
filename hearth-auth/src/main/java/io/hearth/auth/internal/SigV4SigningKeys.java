package io.hearth.auth.internal;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Signing keys derived from a secret for a day, region and service. A key serves every request of its day, so the
 * four HMACs of the derivation are done once per day and region, in a small least-recently-used cache.
 */
public final class SigV4SigningKeys {
    private record Scope(String secret, String date, String region, String service) {}

    private final Map<Scope, byte[]> cache;

    public SigV4SigningKeys(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: at least 1)");
        }
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Scope, byte[]> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The signing key; callers must not change the array. */
    public byte[] derive(String secret, SigV4Credential credential) {
        Scope scope = new Scope(secret, credential.date(), credential.region(), credential.service());
        synchronized (cache) {
            byte[] cached = cache.get(scope);
            if (cached != null) {
                return cached;
            }
        }
        byte[] key = SigV4Crypto.hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), credential.date());
        key = SigV4Crypto.hmac(key, credential.region());
        key = SigV4Crypto.hmac(key, credential.service());
        key = SigV4Crypto.hmac(key, SigV4Credential.TERMINATOR);
        synchronized (cache) {
            cache.put(scope, key);
        }
        return key;
    }

    public int size() {
        synchronized (cache) {
            return cache.size();
        }
    }
}
