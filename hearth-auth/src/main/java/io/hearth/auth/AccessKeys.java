package io.hearth.auth;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Where the verifier looks access keys up. Implementations must be safe to call from many threads. */
@FunctionalInterface
public interface AccessKeys {
    /** The key with this id, enabled or not; empty when there is none. */
    Optional<AccessKey> find(String accessKeyId);

    /** A fixed set of keys (configuration files, tests). */
    static AccessKeys of(AccessKey... keys) {
        Map<String, AccessKey> byId = Arrays.stream(keys)
                .collect(Collectors.toUnmodifiableMap(AccessKey::id, Function.identity()));
        return id -> Optional.ofNullable(byId.get(id));
    }
}
