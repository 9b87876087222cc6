package io.hearth.auth;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.UUID;

/**
 * Hearth's workload access tokens: a short-lived JWT, signed with Hearth's own ES256 key, that each invocation hands
 * its agent, saying for whom the agent is working (docs/authentication.md, Workload access tokens). The key lives in
 * one file of the data dir (mode 0600, created on first start); its public half is published as a JWKS.
 */
public final class WorkloadTokens {
    /** How long a token is valid: long enough for one invocation's calls, short enough that a leaked one soon dies. */
    public static final Duration LIFETIME = Duration.ofMinutes(15);
    public static final String FILE_NAME = "workload-token.jwk";
    /**
     * How long one signed token is handed out again for the same claims (same caller, user, runtime, endpoint and
     * session). Signing a P-256 token costs about 0.2 ms of CPU, more than the rest of a warm invocation; within this
     * window the agent already holds an equally valid token, so reusing it grants nothing new, and every token handed
     * over still has at least {@code LIFETIME - REUSE} to live.
     */
    public static final Duration REUSE = Duration.ofMinutes(1);
    /** Claims remembered for reuse at most; past it the expired ones go first, then all (the next calls re-sign). */
    private static final int MAX_REMEMBERED = 8192;

    private final ECKey key;
    private final ECDSASigner signer;
    private final Clock clock;
    private final ConcurrentHashMap<Claims, Issued> recent = new ConcurrentHashMap<>();

    private record Issued(String token, Instant at) {
        boolean reusableAt(Instant now) {
            return !now.isBefore(at) && now.isBefore(at.plus(REUSE));
        }
    }

    private WorkloadTokens(ECKey key, Clock clock) {
        this.key = key;
        this.clock = clock;
        try {
            this.signer = new ECDSASigner(key);
        } catch (JOSEException e) {
            throw new IllegalStateException("workload token key: " + e.getMessage() + " (expected: an EC P-256 private key)", e);
        }
    }

    /**
     * What a token says.
     *
     * @param issuer     Hearth's endpoint (where its JWKS is, under {@code /hearth/v1/.well-known/jwks.json})
     * @param tenant     the runtime's account
     * @param runtimeArn the runtime (also the audience)
     * @param endpoint   the runtime endpoint invoked
     * @param sessionId  the runtime session
     * @param user       the end user: the caller's user id, or the subject of its bearer token
     * @param caller     who made the call: an access key id, or the bearer token's issuer and subject
     */
    public record Claims(String issuer, String tenant, String runtimeArn, String endpoint, String sessionId,
            Optional<String> user, String caller) {
        public Claims {
            requireNonNull(issuer, "issuer");
            requireNonNull(tenant, "tenant");
            requireNonNull(runtimeArn, "runtimeArn");
            requireNonNull(endpoint, "endpoint");
            requireNonNull(sessionId, "sessionId");
            requireNonNull(user, "user");
            requireNonNull(caller, "caller");
        }
    }

    /** Reads the key in {@code dataDir}, creating it first (mode 0600) when there is none. */
    public static WorkloadTokens loadOrCreate(Path dataDir) {
        return loadOrCreate(dataDir, Clock.systemUTC());
    }

    public static WorkloadTokens loadOrCreate(Path dataDir, Clock clock) {
        Path file = dataDir.resolve(FILE_NAME);
        try {
            if (!Files.exists(file)) {
                ECKey fresh = new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256)
                        .keyID(UUID.randomUUID().toString()).generate();
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    Files.writeString(file, fresh.toJSONString(), StandardCharsets.UTF_8);
                    return new WorkloadTokens(fresh, clock);
                } catch (FileAlreadyExistsException raced) {
                    // another writer won; read theirs
                }
            }
            ECKey key = ECKey.parse(Files.readString(file, StandardCharsets.UTF_8));
            if (!key.isPrivate() || !Curve.P_256.equals(key.getCurve())) {
                throw new IllegalStateException("workload token key " + file + ": " + key.getCurve()
                        + (key.isPrivate() ? "" : " public") + " key (expected: an EC P-256 private key, JWK)");
            }
            return new WorkloadTokens(key, clock);
        } catch (IOException e) {
            throw new UncheckedIOException("workload token key " + file + ": " + e.getMessage(), e);
        } catch (ParseException e) {
            throw new IllegalStateException("workload token key " + file + ": not a JWK (" + e.getMessage()
                    + "; expected: an EC P-256 private key, JWK)", e);
        } catch (JOSEException e) {
            throw new IllegalStateException("workload token key: " + e.getMessage(), e);
        }
    }

    /** A token for one invocation: the one issued for the same claims within {@link #REUSE}, else a fresh one. */
    public String issue(Claims claims) {
        Instant now = clock.instant();
        Issued last = recent.get(claims);
        if (last != null && last.reusableAt(now)) {
            return last.token();
        }
        String token = sign(claims, now);
        if (recent.size() >= MAX_REMEMBERED) {
            recent.values().removeIf(issued -> !issued.reusableAt(now));
            if (recent.size() >= MAX_REMEMBERED) {
                recent.clear();
            }
        }
        recent.put(claims, new Issued(token, now));
        return token;
    }

    private String sign(Claims claims, Instant now) {
        var builder = new JWTClaimsSet.Builder()
                .issuer(claims.issuer())
                .audience(claims.runtimeArn())
                .subject(claims.user().orElse(claims.caller()))
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(LIFETIME)))
                .jwtID(UUID.randomUUID().toString())
                .claim("tenant", claims.tenant())
                .claim("runtime_arn", claims.runtimeArn())
                .claim("endpoint", claims.endpoint())
                .claim("session_id", claims.sessionId())
                .claim("caller", claims.caller());
        claims.user().ifPresent(u -> builder.claim("user_id", u));
        var jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(),
                builder.build());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("workload token: signing failed (" + e.getMessage() + ")", e);
        }
        return jwt.serialize();
    }

    /** The public key set ({@code {"keys": [...]}}), for {@code GET /hearth/v1/.well-known/jwks.json}. */
    public String jwks() {
        return new JWKSet(key.toPublicJWK()).toString(true);
    }
}
