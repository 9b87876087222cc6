package io.hearth.auth.internal;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import io.hearth.auth.AuthException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One identity provider's issuer and signing keys, fetched through its discovery document and cached.
 *
 * <ul>
 *   <li>Discovery and keys are reloaded once {@code ttl} has passed since they were loaded.</li>
 *   <li>A token whose key is not in the cached set triggers one reload of the key set, and such reloads happen at
 *       most once per {@code minRefreshInterval}: a provider that rotated its keys is followed at once, while a
 *       stream of tokens with made-up key ids costs the provider one request per interval.</li>
 *   <li>A failed load is not retried for {@code retryAfterFailure}; meanwhile the last keys (if any) stay in use, so
 *       a provider's outage does not turn into an outage of the runtime.</li>
 * </ul>
 * Loads run under one lock, so concurrent callers wait for one fetch instead of each starting their own.
 */
public final class ProviderKeys {
    private static final Logger LOG = LoggerFactory.getLogger(ProviderKeys.class);

    /** The issuer and keys as last loaded. */
    public record Snapshot(String issuer, URI jwksUri, JWKSet keys, Instant loadedAt) {
        public Snapshot {
            requireNonNull(issuer, "issuer");
            requireNonNull(jwksUri, "jwksUri");
            requireNonNull(keys, "keys");
            requireNonNull(loadedAt, "loadedAt");
        }
    }

    private final URI discoveryUrl;
    private final OidcDocuments documents;
    private final Clock clock;
    private final Duration ttl;
    private final Duration minRefreshInterval;
    private final Duration retryAfterFailure;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Snapshot snapshot;
    private Instant lastKeyRefresh = Instant.EPOCH;
    private Instant lastFailureAt = Instant.EPOCH;
    private String lastFailure = "";

    public ProviderKeys(URI discoveryUrl, OidcDocuments documents, Clock clock, Duration ttl,
            Duration minRefreshInterval, Duration retryAfterFailure) {
        this.discoveryUrl = requireNonNull(discoveryUrl, "discoveryUrl");
        this.documents = requireNonNull(documents, "documents");
        this.clock = requireNonNull(clock, "clock");
        this.ttl = requireNonNull(ttl, "ttl");
        this.minRefreshInterval = requireNonNull(minRefreshInterval, "minRefreshInterval");
        this.retryAfterFailure = requireNonNull(retryAfterFailure, "retryAfterFailure");
    }

    /** The issuer and keys, loading them first when there are none yet or they are older than the TTL. */
    public Snapshot current() {
        Snapshot cached = snapshot;
        if (fresh(cached, clock.instant())) {
            return cached;
        }
        lock.lock();
        try {
            cached = snapshot;
            Instant now = clock.instant();
            if (fresh(cached, now)) {
                return cached;
            }
            if (now.isBefore(lastFailureAt.plus(retryAfterFailure))) {
                if (cached != null) {
                    return cached;
                }
                throw unavailable(lastFailure + "; next attempt in "
                        + seconds(Duration.between(now, lastFailureAt.plus(retryAfterFailure))));
            }
            try {
                OidcDocuments.Discovery discovery = documents.discovery(discoveryUrl);
                JWKSet keys = documents.jwks(discovery.jwksUri());
                snapshot = new Snapshot(discovery.issuer(), discovery.jwksUri(), keys, now);
                return snapshot;
            } catch (ProviderFailure e) {
                lastFailureAt = now;
                lastFailure = e.getMessage();
                if (cached != null) {
                    LOG.warn("JWT authorizer: {}; still using the keys loaded at {}", e.getMessage(),
                            cached.loadedAt());
                    return cached;
                }
                LOG.warn("JWT authorizer: {}", e.getMessage());
                throw unavailable(e.getMessage());
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The key that verifies a token with this header: the key named by its {@code kid}, or, for a token without one,
     * the only key that fits its algorithm. A key not found causes one reload of the key set if none happened within
     * the minimum refresh interval.
     */
    public JWK keyFor(JWSHeader header) {
        Optional<JWK> found = select(current().keys(), header);
        if (found.isPresent()) {
            return found.get();
        }
        lock.lock();
        try {
            Snapshot cached = snapshot;
            found = select(cached.keys(), header);
            if (found.isPresent()) {
                return found.get(); // another caller reloaded meanwhile
            }
            Instant now = clock.instant();
            Instant allowed = lastKeyRefresh.plus(minRefreshInterval);
            if (now.isBefore(allowed)) {
                throw new AuthException.Unauthorized(notFound(cached, header) + "; the key set was reloaded "
                        + seconds(Duration.between(lastKeyRefresh, now)) + " ago, next reload allowed in "
                        + seconds(Duration.between(now, allowed)));
            }
            lastKeyRefresh = now;
            JWKSet keys;
            try {
                keys = documents.jwks(cached.jwksUri());
            } catch (ProviderFailure e) {
                LOG.warn("JWT authorizer: {}", e.getMessage());
                throw new AuthException.Unauthorized(notFound(cached, header) + "; reloading it failed: "
                        + e.getMessage());
            }
            Snapshot reloaded = new Snapshot(cached.issuer(), cached.jwksUri(), keys, now);
            snapshot = reloaded;
            return select(keys, header).orElseThrow(() -> new AuthException.Unauthorized(
                    notFound(reloaded, header) + " (reloaded just now)"));
        } finally {
            lock.unlock();
        }
    }

    private boolean fresh(Snapshot cached, Instant now) {
        return cached != null && now.isBefore(cached.loadedAt().plus(ttl));
    }

    private static Optional<JWK> select(JWKSet keys, JWSHeader header) {
        String kid = header.getKeyID();
        if (kid != null) {
            return Optional.ofNullable(keys.getKeyByKeyId(kid));
        }
        List<JWK> fitting = keys.getKeys().stream().filter(k -> SignatureCheck.fits(k, header.getAlgorithm()))
                .toList();
        return fitting.size() == 1 ? Optional.of(fitting.getFirst()) : Optional.empty();
    }

    private static String notFound(Snapshot snapshot, JWSHeader header) {
        List<String> kids = snapshot.keys().getKeys().stream().map(k -> String.valueOf(k.getKeyID())).toList();
        String kid = header.getKeyID();
        if (kid == null) {
            return "kid: missing, and the key set " + snapshot.jwksUri() + " does not hold exactly one key for "
                    + header.getAlgorithm() + " (expected: a kid, one of " + kids + ")";
        }
        return "kid: " + Claims.shown(kid) + " (expected: one of " + kids + ", the keys of " + snapshot.jwksUri()
                + ")";
    }

    private AuthException.Unauthorized unavailable(String why) {
        return new AuthException.Unauthorized("cannot verify the token: the identity provider is unavailable ("
                + why + ")");
    }

    private static String seconds(Duration d) {
        return Math.max(0, d.toSeconds()) + " s";
    }
}
