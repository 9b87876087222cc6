package io.hearth.session;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How long sessions outlive their sandboxes, and how much of them a tenant may keep: hibernated sessions and session
 * storage (they live under the data dir, in {@code hibernated/} and {@code session-storage/}).
 *
 * @param retention            how long a hibernated session is kept, unless its runtime's tag says otherwise
 * @param maxAge               the ceiling on a session's age from its first start, across hibernations, unless its
 *                             runtime's tag says otherwise
 * @param storageIdleExpiry    session storage unused this long is deleted (AgentCore: 14 days)
 * @param storageBytes         session storage's size bound, unless its runtime's tag says otherwise
 * @param maxHibernatedPerTenant hibernated sessions one tenant may hold
 * @param maxHibernatedBytesPerTenant bytes of hibernation images one tenant may hold
 * @param snapshotTemplates    whether new gVisor sessions start from a snapshot of their version's initialised agent
 *                             (runtimes opt out with the {@code hearth:snapshotTemplate} tag)
 */
public record HibernationPolicy(Duration retention, Duration maxAge,
        Duration storageIdleExpiry, long storageBytes, int maxHibernatedPerTenant, long maxHibernatedBytesPerTenant,
        boolean snapshotTemplates) {

    public HibernationPolicy {
        positive("retention", retention);
        positive("maxAge", maxAge);
        positive("storageIdleExpiry", storageIdleExpiry);
        if (storageBytes < 1 << 20) {
            throw new IllegalArgumentException("storageBytes: " + storageBytes + " (expected: at least 1 MiB)");
        }
        if (maxHibernatedPerTenant < 0) {
            throw new IllegalArgumentException("maxHibernatedPerTenant: " + maxHibernatedPerTenant + " (expected: 0 or more)");
        }
        if (maxHibernatedBytesPerTenant < 0) {
            throw new IllegalArgumentException("maxHibernatedBytesPerTenant: " + maxHibernatedBytesPerTenant
                    + " (expected: 0 or more)");
        }
    }

    /** 7 days' retention, 30 days' age, storage of 1 GiB kept 14 days idle, 100 sessions and 20 GiB a tenant. */
    public static final HibernationPolicy DEFAULT = new HibernationPolicy(Duration.ofDays(7), Duration.ofDays(30),
            Duration.ofDays(14), 1L << 30, 100, 20L << 30, true);

    public HibernationPolicy withRetention(Duration value) {
        return new HibernationPolicy(value, maxAge, storageIdleExpiry, storageBytes,
                maxHibernatedPerTenant, maxHibernatedBytesPerTenant, snapshotTemplates);
    }

    public HibernationPolicy withTenantLimits(int sessions, long bytes) {
        return new HibernationPolicy(retention, maxAge, storageIdleExpiry, storageBytes,
                sessions, bytes, snapshotTemplates);
    }

    public HibernationPolicy withSnapshotTemplates(boolean on) {
        return new HibernationPolicy(retention, maxAge, storageIdleExpiry, storageBytes, maxHibernatedPerTenant,
                maxHibernatedBytesPerTenant, on);
    }

    public HibernationPolicy withStorageIdleExpiry(Duration value) {
        return new HibernationPolicy(retention, maxAge, value, storageBytes,
                maxHibernatedPerTenant, maxHibernatedBytesPerTenant, snapshotTemplates);
    }

    private static void positive(String name, Duration value) {
        requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: positive)");
        }
    }
}
