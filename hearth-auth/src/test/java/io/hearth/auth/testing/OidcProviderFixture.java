package io.hearth.auth.testing;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A real OpenID Connect provider on 127.0.0.1 for tests: serves {@code /.well-known/openid-configuration} and
 * {@code /jwks.json} over HTTP, holds an RSA and an EC P-256 signing key, mints tokens with any claims, algorithm and
 * key id, rotates keys, can fail on purpose, and counts the requests it serves.
 *
 * <pre>{@code
 * try (var idp = OidcProviderFixture.start()) {
 *     String token = idp.token().claim("scope", "invoke").sign();
 *     ... new JwtAuthorizer(JwtAuthorizerConfig.of(idp.discoveryUrl())).authorize(token, "123456789012") ...
 * }
 * }</pre>
 */
public final class OidcProviderFixture implements AutoCloseable {
    public static final String DISCOVERY_PATH = "/.well-known/openid-configuration";
    public static final String JWKS_PATH = "/jwks.json";

    private final Server server;
    private final String issuer;
    private final AtomicInteger discoveryFetches = new AtomicInteger();
    private final AtomicInteger jwksFetches = new AtomicInteger();
    private final AtomicInteger rsaGeneration = new AtomicInteger(1);
    private volatile RSAKey rsaKey;
    private volatile ECKey ecKey;
    private volatile int failureStatus;
    private volatile Clock clock = Clock.systemUTC();

    private OidcProviderFixture() throws Exception {
        rsaKey = rsa("rsa-1");
        ecKey = new ECKeyGenerator(Curve.P_256).keyID("ec-1").keyUse(KeyUse.SIGNATURE).generate();
        var threads = new QueuedThreadPool(8, 2);
        threads.setName("oidc-fixture");
        server = new Server(threads);
        var connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                serve(request, response, callback);
                return true;
            }
        });
        server.start();
        issuer = "http://127.0.0.1:" + connector.getLocalPort();
    }

    /** Starts a provider on a free loopback port. */
    public static OidcProviderFixture start() {
        try {
            return new OidcProviderFixture();
        } catch (Exception e) {
            throw new IllegalStateException("OIDC provider fixture: cannot start (" + e + ")", e);
        }
    }

    /** {@code http://127.0.0.1:<port>}, the {@code issuer} of the discovery document and of minted tokens. */
    public String issuer() {
        return issuer;
    }

    public URI discoveryUrl() {
        return URI.create(issuer + DISCOVERY_PATH);
    }

    public URI jwksUri() {
        return URI.create(issuer + JWKS_PATH);
    }

    public String rsaKeyId() {
        return rsaKey.getKeyID();
    }

    public String ecKeyId() {
        return ecKey.getKeyID();
    }

    /** The RSA public key as published, for key-confusion tokens. */
    public RSAKey rsaPublicKey() {
        return rsaKey.toPublicJWK();
    }

    /** Replaces the RSA key with a new one under a new key id ({@code rsa-2}, {@code rsa-3}, ...); returns that id. */
    public String rotateRsaKey() {
        rsaKey = rsa("rsa-" + rsaGeneration.incrementAndGet());
        return rsaKey.getKeyID();
    }

    /** Times minted tokens are based on (default: the system clock). */
    public OidcProviderFixture useClock(Clock clock) {
        this.clock = requireNonNull(clock, "clock");
        return this;
    }

    /** From now on every request is answered with {@code status} and no document. */
    public void failWith(int status) {
        failureStatus = status;
    }

    /** Answers normally again after {@link #failWith}. */
    public void recover() {
        failureStatus = 0;
    }

    public int discoveryFetches() {
        return discoveryFetches.get();
    }

    public int jwksFetches() {
        return jwksFetches.get();
    }

    /** A token with good defaults: RS256 with the current RSA key, this issuer, {@code sub} user-1, 5 minutes valid. */
    public TokenBuilder token() {
        return new TokenBuilder();
    }

    /** A fresh RSA key the provider does not publish, for wrong-signature tokens. */
    public static RSAKey foreignRsaKey(String kid) {
        return rsa(kid);
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("OIDC provider fixture: cannot stop (" + e + ")", e);
        }
    }

    private void serve(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        String body;
        switch (path) {
            case DISCOVERY_PATH -> {
                discoveryFetches.incrementAndGet();
                body = "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + issuer + JWKS_PATH + "\","
                        + "\"authorization_endpoint\":\"" + issuer + "/authorize\",\"token_endpoint\":\"" + issuer
                        + "/token\",\"response_types_supported\":[\"code\"],\"subject_types_supported\":[\"public\"],"
                        + "\"id_token_signing_alg_values_supported\":[\"RS256\",\"ES256\"]}";
            }
            case JWKS_PATH -> {
                jwksFetches.incrementAndGet();
                body = new JWKSet(List.<JWK>of(rsaKey, ecKey)).toPublicJWKSet().toString();
            }
            default -> {
                Response.writeError(request, response, callback, 404);
                return;
            }
        }
        int failure = failureStatus;
        if (failure != 0) {
            Response.writeError(request, response, callback, failure);
            return;
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    }

    private static RSAKey rsa(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).keyUse(KeyUse.SIGNATURE).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate an RSA key (" + e + ")", e);
        }
    }

    /** Builds one token; every setter may be called in any order, {@link #sign()} last. */
    public final class TokenBuilder {
        private JWSAlgorithm alg = JWSAlgorithm.RS256;
        private String kid;
        private boolean noKid;
        private JWK signingKey;
        private final Map<String, Object> claims = new LinkedHashMap<>();
        private final Set<String> without = new LinkedHashSet<>();

        private TokenBuilder() {
            Instant now = Instant.ofEpochSecond(clock.instant().getEpochSecond());
            claims.put("iss", issuer);
            claims.put("sub", "user-1");
            claims.put("iat", now);
            claims.put("exp", now.plus(Duration.ofMinutes(5)));
        }

        public TokenBuilder alg(JWSAlgorithm alg) {
            this.alg = requireNonNull(alg, "alg");
            return this;
        }

        /** The {@code kid} header (default: the id of the provider key for the alg). */
        public TokenBuilder kid(String kid) {
            this.kid = requireNonNull(kid, "kid");
            return this;
        }

        public TokenBuilder noKid() {
            this.noKid = true;
            return this;
        }

        /** Signs with this private key instead of the provider's (the kid header stays as set). */
        public TokenBuilder signedWith(JWK key) {
            this.signingKey = requireNonNull(key, "key");
            return this;
        }

        public TokenBuilder issuer(String iss) {
            return claim("iss", iss);
        }

        public TokenBuilder subject(String sub) {
            return claim("sub", sub);
        }

        public TokenBuilder audience(String... aud) {
            return claim("aud", aud.length == 1 ? aud[0] : List.of(aud));
        }

        public TokenBuilder expiresAt(Instant exp) {
            return claim("exp", exp);
        }

        public TokenBuilder notBefore(Instant nbf) {
            return claim("nbf", nbf);
        }

        public TokenBuilder issuedAt(Instant iat) {
            return claim("iat", iat);
        }

        /** Any claim; an {@link Instant} becomes seconds since the epoch, a list a JSON array. */
        public TokenBuilder claim(String name, Object value) {
            without.remove(name);
            claims.put(name, value);
            return this;
        }

        /** Leaves a default claim out. */
        public TokenBuilder without(String name) {
            without.add(name);
            return this;
        }

        /** A signed JWT, compact serialization. */
        public String sign() {
            JWK key = signingKey != null ? signingKey : defaultKey();
            var header = new JWSHeader.Builder(alg);
            if (!noKid) {
                header.keyID(kid != null ? kid : key.getKeyID());
            }
            var jwt = new SignedJWT(header.build(), claimsSet());
            try {
                jwt.sign(signer(key));
            } catch (JOSEException e) {
                throw new IllegalStateException("cannot sign a " + alg + " token (" + e + ")", e);
            }
            return jwt.serialize();
        }

        /** An unsecured JWT: {@code alg: none}, empty signature. */
        public String unsigned() {
            return new PlainJWT(claimsSet()).serialize();
        }

        /**
         * The key-confusion attack: an HS256 token whose HMAC secret is the provider's published RSA public key
         * (its X.509 encoding), which a verifier trusting the header's alg would accept.
         */
        public String hmacWithPublicKey() {
            var header = new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(kid != null ? kid : rsaKey.getKeyID());
            var jwt = new SignedJWT(header.build(), claimsSet());
            try {
                jwt.sign(new MACSigner(rsaKey.toRSAPublicKey().getEncoded()));
            } catch (JOSEException e) {
                throw new IllegalStateException("cannot sign an HS256 token (" + e + ")", e);
            }
            return jwt.serialize();
        }

        private JWK defaultKey() {
            return JWSAlgorithm.Family.EC.contains(alg) ? ecKey : rsaKey;
        }

        private JWSSigner signer(JWK key) throws JOSEException {
            return switch (key) {
                case RSAKey rsa -> new RSASSASigner(rsa);
                case ECKey ec -> new ECDSASigner(ec);
                default -> throw new IllegalStateException("no signer for " + key.getKeyType() + " keys");
            };
        }

        private JWTClaimsSet claimsSet() {
            var builder = new JWTClaimsSet.Builder();
            claims.forEach((name, value) -> {
                if (!without.contains(name)) {
                    builder.claim(name, value instanceof Instant i ? i.getEpochSecond() : copy(value));
                }
            });
            return builder.build();
        }

        private static Object copy(Object value) {
            return value instanceof List<?> list ? new ArrayList<>(list) : value;
        }
    }
}
