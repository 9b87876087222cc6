package io.hearth.auth.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/** Compares a request's signature with those computed over each accepted canonical request, in constant time. */
public final class SigV4Match {
    public static final String MISMATCH = "The request signature we calculated does not match the signature you "
            + "provided. Check your AWS Secret Access Key and signing method. Consult the service documentation "
            + "for details.";

    private final byte[] signingKey;
    private final String stringToSignHead;
    private final List<String> canonicalHeads;
    private final byte[] provided;

    public SigV4Match(byte[] signingKey, SigV4Auth auth, List<String> canonicalHeads) {
        this.signingKey = signingKey;
        this.stringToSignHead = SigV4Auth.ALGORITHM + "\n" + auth.amzDate() + "\n" + auth.credential().scope() + "\n";
        this.canonicalHeads = List.copyOf(canonicalHeads);
        this.provided = auth.signature().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Whether the signature covers one of the canonical requests ending with this payload hash. The forms are tried
     * in order, the SDKs' first, and the first match ends the search: which form a client used is no secret, and each
     * comparison itself takes constant time.
     */
    public boolean matches(String payloadHash) {
        for (String head : canonicalHeads) {
            String stringToSign = stringToSignHead + SigV4Crypto.sha256Hex(head + payloadHash);
            byte[] expected = HexFormat.of().formatHex(SigV4Crypto.hmac(signingKey, stringToSign))
                    .getBytes(StandardCharsets.US_ASCII);
            if (MessageDigest.isEqual(expected, provided)) {
                return true;
            }
        }
        return false;
    }
}
