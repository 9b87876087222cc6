package io.hearth.auth.internal;

import com.nimbusds.jose.Header;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.SignedJWT;
import io.hearth.auth.AuthException;
import java.text.ParseException;

/**
 * Turns a bearer token into a signed JWT whose algorithm is acceptable, before any key is looked up. Messages
 * describe the token's shape and header, never the token itself.
 */
public final class BearerTokens {
    /** Far above what identity providers issue, far below what would make parsing costly. */
    public static final int MAX_LENGTH = 32 * 1024;

    private BearerTokens() {}

    public static SignedJWT parse(String token) {
        if (token.isEmpty()) {
            throw new AuthException.Unauthorized("bearer token: empty (expected: a signed JWT)");
        }
        if (token.length() > MAX_LENGTH) {
            throw new AuthException.Unauthorized("bearer token: " + token.length() + " characters (expected: at most "
                    + MAX_LENGTH + ")");
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length == 5) {
            throw new AuthException.Unauthorized("bearer token: an encrypted JWT (expected: a signed JWT)");
        }
        if (parts.length != 3) {
            throw new AuthException.Unauthorized("bearer token: " + parts.length + " parts (expected: a signed JWT,"
                    + " three base64url parts joined by dots)");
        }
        Header header;
        try {
            header = Header.parse(new Base64URL(parts[0]));
        } catch (ParseException e) {
            throw new AuthException.Unauthorized("bearer token: header unreadable (" + Claims.shown(e.getMessage())
                    + "; expected: base64url JSON with an alg)");
        }
        switch (header) {
            case PlainHeader ignored -> throw new AuthException.Unauthorized("alg: none (expected: a signed token,"
                    + " one of " + SignatureCheck.ACCEPTED + ")");
            case JWEHeader ignored -> throw new AuthException.Unauthorized("bearer token: an encrypted JWT"
                    + " (expected: a signed JWT)");
            case JWSHeader jws -> checkAlgorithm(jws.getAlgorithm());
            default -> throw new AuthException.Unauthorized("bearer token: unknown header type (expected: a signed"
                    + " JWT)");
        }
        try {
            return SignedJWT.parse(token);
        } catch (ParseException e) {
            throw new AuthException.Unauthorized("bearer token: not a valid signed JWT (" + Claims.shown(e.getMessage())
                    + ")");
        }
    }

    private static void checkAlgorithm(JWSAlgorithm alg) {
        if (JWSAlgorithm.Family.HMAC_SHA.contains(alg)) {
            throw new AuthException.Unauthorized("alg: " + alg + " (expected: one of " + SignatureCheck.ACCEPTED
                    + "; tokens signed with a shared secret are refused)");
        }
        if (!SignatureCheck.accepted(alg)) {
            throw new AuthException.Unauthorized("alg: " + Claims.shown(alg.getName()) + " (expected: one of "
                    + SignatureCheck.ACCEPTED + ")");
        }
    }
}
