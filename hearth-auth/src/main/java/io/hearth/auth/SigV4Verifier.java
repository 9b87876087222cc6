package io.hearth.auth;

import static java.util.Objects.requireNonNull;

import io.hearth.auth.internal.SigV4Auth;
import io.hearth.auth.internal.SigV4Canonical;
import io.hearth.auth.internal.SigV4Crypto;
import io.hearth.auth.internal.SigV4Match;
import io.hearth.auth.internal.SigV4Query;
import io.hearth.auth.internal.SigV4SigningKeys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Verifies AWS Signature Version 4 the way the AWS SDKs and curl sign: an {@code Authorization: AWS4-HMAC-SHA256 ...}
 * header, or a presigned URL ({@code X-Amz-Signature} in the query, at most {@value #MAX_PRESIGNED_SECONDS} s).
 *
 * <p>The signing name must be {@value #SERVICE} (both planes use it); any region is accepted. The signing time must be
 * within {@link #WINDOW} of this verifier's clock. Session tokens ({@code X-Amz-Security-Token}) are refused: Hearth's
 * access keys are long-lived and have none. Thread-safe.
 */
public final class SigV4Verifier {
    public static final String SERVICE = "bedrock-agentcore";
    public static final Duration WINDOW = Duration.ofMinutes(15);
    public static final int MAX_PRESIGNED_SECONDS = 300;
    static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
    private static final String UNRECOGNIZED = "The security token included in the request is invalid.";
    private static final String CONTENT_SHA256 = "x-amz-content-sha256";
    private static final String SECURITY_TOKEN = "X-Amz-Security-Token";
    private static final Pattern HEX_SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

    private final AccessKeys keys;
    private final Clock clock;
    private final SigV4SigningKeys signingKeys = new SigV4SigningKeys(1024);

    public SigV4Verifier(AccessKeys keys, Clock clock) {
        this.keys = requireNonNull(keys, "keys");
        this.clock = requireNonNull(clock, "clock");
    }

    public SigV4Verifier(AccessKeys keys) {
        this(keys, Clock.systemUTC());
    }

    /**
     * Verifies the request's signature; when it covers a body hash the client did not declare, the signature is
     * checked at the end of the body instead (see {@link Verification}).
     *
     * @throws AuthException.MissingToken        no SigV4 parameters at all
     * @throws AuthException.IncompleteSignature malformed or incomplete parameters
     * @throws AuthException.InvalidSignature    wrong service, scope date, time window, or signature
     * @throws AuthException.UnrecognizedClient  unknown or disabled key, or a session token
     */
    public Verification verify(SignedRequest request) {
        requireNonNull(request, "request");
        SigV4Query query = SigV4Query.parse(request.rawQuery());
        SigV4Auth auth = SigV4Auth.parse(request, query);
        checkScope(auth);
        checkTime(auth);
        if (auth.presigned() ? query.has(SECURITY_TOKEN) : request.header(SECURITY_TOKEN).isPresent()) {
            throw new AuthException.UnrecognizedClient(UNRECOGNIZED);
        }
        AccessKey key = keys.find(auth.credential().accessKeyId())
                .filter(AccessKey::enabled)
                .orElseThrow(() -> new AuthException.UnrecognizedClient(UNRECOGNIZED));
        Principal principal = new Principal(key.tenant(), Principal.Kind.ACCESS_KEY, key.id(), Optional.empty());
        SigV4Match match = new SigV4Match(signingKeys.derive(key.secret(), auth.credential()), auth,
                SigV4Canonical.heads(request, query, auth));
        return new Verification(principal, payloadCheck(request, match));
    }

    /** Decides which payload hash the signature covers, and so what is left to check of the body. */
    private static PayloadCheck payloadCheck(SignedRequest request, SigV4Match match) {
        Optional<String> declared = request.header(CONTENT_SHA256).map(String::strip);
        if (declared.isPresent()) {
            String hash = declared.get();
            if (!hash.equals(UNSIGNED_PAYLOAD) && !HEX_SHA256.matcher(hash).matches()) {
                throw new AuthException.IncompleteSignature("x-amz-content-sha256 must be '" + UNSIGNED_PAYLOAD
                        + "' or the hex SHA-256 of the body, not '" + hash + "'.");
            }
            require(match.matches(hash));
            return hash.equals(UNSIGNED_PAYLOAD) ? PayloadCheck.unsigned()
                    : PayloadCheck.matching(hash, PayloadCheck.DIGEST_MISMATCH);
        }
        // Without the header, the JS SDK signs UNSIGNED-PAYLOAD for a streamed body and the hash of the body
        // otherwise (as curl does); presigned URLs use either.
        if (match.matches(UNSIGNED_PAYLOAD)) {
            return PayloadCheck.unsigned();
        }
        if (request.body() == SignedRequest.Body.NONE) {
            require(match.matches(SigV4Crypto.EMPTY_SHA256));
            return PayloadCheck.matching(SigV4Crypto.EMPTY_SHA256, SigV4Match.MISMATCH);
        }
        return PayloadCheck.deferredSignature(match::matches, SigV4Match.MISMATCH);
    }

    private static void require(boolean matched) {
        if (!matched) {
            throw new AuthException.InvalidSignature(SigV4Match.MISMATCH);
        }
    }

    private static void checkScope(SigV4Auth auth) {
        if (!auth.credential().service().equals(SERVICE)) {
            throw new AuthException.InvalidSignature(
                    "Credential should be scoped to correct service: '" + SERVICE + "'.");
        }
        String day = auth.amzDate().substring(0, 8);
        if (!auth.credential().date().equals(day)) {
            throw new AuthException.InvalidSignature("Date in Credential scope does not match YYYYMMDD from "
                    + "ISO-8601 version of date from HTTP: '" + auth.credential().date() + "' != '" + day
                    + "', from '" + auth.amzDate() + "'.");
        }
    }

    private void checkTime(SigV4Auth auth) {
        Instant now = clock.instant();
        Instant signedAt = auth.signedAt();
        if (signedAt.isAfter(now.plus(WINDOW))) {
            throw new AuthException.InvalidSignature("Signature not yet current: " + auth.amzDate()
                    + " is still later than " + SigV4Auth.basic(now.plus(WINDOW)) + " (" + SigV4Auth.basic(now) + " + 15 min.)");
        }
        if (auth.presigned()) {
            long seconds = auth.expires().toSeconds();
            if (seconds > MAX_PRESIGNED_SECONDS) {
                throw new AuthException.InvalidSignature("X-Amz-Expires must be at most " + MAX_PRESIGNED_SECONDS
                        + " seconds, not " + seconds + ".");
            }
            if (signedAt.plus(auth.expires()).isBefore(now)) {
                throw new AuthException.InvalidSignature("Signature expired: " + auth.amzDate()
                        + " is now earlier than " + SigV4Auth.basic(now.minus(auth.expires())) + " (" + SigV4Auth.basic(now)
                        + " - " + seconds + " sec.)");
            }
        } else if (signedAt.isBefore(now.minus(WINDOW))) {
            throw new AuthException.InvalidSignature("Signature expired: " + auth.amzDate() + " is now earlier than "
                    + SigV4Auth.basic(now.minus(WINDOW)) + " (" + SigV4Auth.basic(now) + " - 15 min.)");
        }
    }
}
