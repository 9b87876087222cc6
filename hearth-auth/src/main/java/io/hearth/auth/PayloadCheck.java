package io.hearth.auth;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Predicate;

/**
 * The check of a request body against the hash its SigV4 signature covers, fed chunk by chunk as the body streams so
 * it is never held whole. Used by one thread at a time: {@link #update} for every chunk, then {@link #finish()} once.
 */
public final class PayloadCheck {
    static final String DIGEST_MISMATCH = "The provided 'x-amz-content-sha256' header does not match what was computed.";

    private final boolean needsBody;
    private final boolean defersSignature;
    private final Predicate<String> acceptsHash;
    private final String mismatch;
    private final MessageDigest digest;
    private boolean finished;

    private PayloadCheck(boolean needsBody, boolean defersSignature, Predicate<String> acceptsHash, String mismatch) {
        this.needsBody = needsBody;
        this.defersSignature = defersSignature;
        this.acceptsHash = acceptsHash;
        this.mismatch = mismatch;
        this.digest = sha256();
    }

    /** The body is not signed ({@code UNSIGNED-PAYLOAD}): anything passes. */
    static PayloadCheck unsigned() {
        return new PayloadCheck(false, false, hash -> true, "");
    }

    /** The signature covered {@code expectedHex}; the body must hash to it. */
    static PayloadCheck matching(String expectedHex, String mismatch) {
        byte[] expected = HexFormat.of().parseHex(expectedHex);
        return new PayloadCheck(true, false,
                hash -> MessageDigest.isEqual(HexFormat.of().parseHex(hash), expected), mismatch);
    }

    /** The signature is checked with the body's hash once it is known. */
    static PayloadCheck deferredSignature(Predicate<String> signatureMatchesHash, String mismatch) {
        return new PayloadCheck(true, true, signatureMatchesHash, mismatch);
    }

    /** Whether the body needs to be fed at all; when false, {@link #update} may be skipped. */
    public boolean needsBody() {
        return needsBody;
    }

    /** Whether the signature itself waits for the body (see {@link Verification}). */
    public boolean defersSignature() {
        return defersSignature;
    }

    /** Feeds the chunk's remaining bytes; the buffer's position is left where it was. */
    public void update(ByteBuffer chunk) {
        ensureOpen();
        if (needsBody) {
            digest.update(chunk.duplicate());
        }
    }

    public void update(byte[] bytes, int offset, int length) {
        update(ByteBuffer.wrap(bytes, offset, length));
    }

    /**
     * Ends the body.
     *
     * @throws AuthException.InvalidSignature when the body does not match what was signed
     */
    public void finish() {
        ensureOpen();
        finished = true;
        if (needsBody && !acceptsHash.test(HexFormat.of().formatHex(digest.digest()))) {
            throw new AuthException.InvalidSignature(mismatch);
        }
    }

    private void ensureOpen() {
        if (finished) {
            throw new IllegalStateException("payload check: already finished (expected: update() for each chunk, then one finish())");
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256: unavailable (expected: every JDK has it)", e);
        }
    }
}
