package io.hearth.auth.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import io.hearth.auth.AuthException;
import java.util.List;
import java.util.Set;

/**
 * Which signature algorithms a JWT authorizer accepts, and the check of a token's signature with a provider key.
 * Only asymmetric algorithms are accepted: a provider's keys are public, so an HMAC "signed" with one proves nothing.
 */
public final class SignatureCheck {
    private static final Set<JWSAlgorithm> RSA = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512);
    private static final Set<JWSAlgorithm> EC = Set.of(JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512);

    /** In the order messages list them. */
    public static final List<String> ACCEPTED = List.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256",
            "ES384", "ES512");

    private SignatureCheck() {}

    public static boolean accepted(JWSAlgorithm alg) {
        return RSA.contains(alg) || EC.contains(alg);
    }

    /** Whether {@code key} can verify {@code alg}: the right key type (and curve), meant for signing, not pinned to another alg. */
    static boolean fits(JWK key, JWSAlgorithm alg) {
        return mismatch(key, alg).isEmpty();
    }

    public static void verify(SignedJWT jwt, JWK key) {
        JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
        String mismatch = mismatch(key, alg);
        if (!mismatch.isEmpty()) {
            throw new AuthException.Unauthorized(mismatch);
        }
        try {
            JWSVerifier verifier = key instanceof RSAKey rsa ? new RSASSAVerifier(rsa) : new ECDSAVerifier((ECKey) key);
            if (!jwt.verify(verifier)) {
                throw new AuthException.Unauthorized("signature: does not verify with key " + key.getKeyID()
                        + " (expected: a token signed by the identity provider)");
            }
        } catch (JOSEException e) {
            throw new AuthException.Unauthorized("signature: cannot be checked with key " + key.getKeyID() + " ("
                    + e.getMessage() + ")");
        }
    }

    private static String mismatch(JWK key, JWSAlgorithm alg) {
        String kid = key.getKeyID();
        if (key.getKeyUse() != null && !KeyUse.SIGNATURE.equals(key.getKeyUse())) {
            return "kid: " + kid + " is a key for use " + key.getKeyUse().identifier() + " (expected: a signing key)";
        }
        if (key.getAlgorithm() != null && !key.getAlgorithm().getName().equals(alg.getName())) {
            return "alg: " + alg + " (expected: " + key.getAlgorithm() + ", the alg of key " + kid + ")";
        }
        if (RSA.contains(alg)) {
            return key instanceof RSAKey ? "" : "alg: " + alg + " (expected: an alg for the " + key.getKeyType()
                    + " key " + kid + ", not an RSA alg)";
        }
        if (EC.contains(alg)) {
            if (key instanceof ECKey ec) {
                Set<Curve> curves = Curve.forJWSAlgorithm(alg);
                return curves.contains(ec.getCurve()) ? "" : "alg: " + alg + " (expected: the alg for curve "
                        + ec.getCurve() + " of key " + kid + ")";
            }
            return "alg: " + alg + " (expected: an alg for the " + key.getKeyType() + " key " + kid
                    + ", not an EC alg)";
        }
        return "alg: " + alg + " (expected: one of " + ACCEPTED + ")";
    }
}
