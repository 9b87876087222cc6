package io.hearth.auth.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** SHA-256 and HMAC-SHA256, as SigV4 uses them. */
public final class SigV4Crypto {
    /** The hash of an empty body. */
    public static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private static final HexFormat HEX = HexFormat.of();
    // One engine per thread, reset by each use: looking one up per call (provider services, a new instance) cost a
    // signature check about as much as the hashing itself. Requests are verified on the server's platform threads.
    private static final ThreadLocal<MessageDigest> SHA256 =
            ThreadLocal.withInitial(() -> engine(() -> MessageDigest.getInstance("SHA-256")));
    private static final ThreadLocal<Mac> HMAC =
            ThreadLocal.withInitial(() -> engine(() -> Mac.getInstance("HmacSHA256")));

    private SigV4Crypto() {}

    public static String sha256Hex(String text) {
        MessageDigest digest = SHA256.get();
        digest.reset();
        return HEX.formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    public static byte[] hmac(byte[] key, String data) {
        Mac mac = HMAC.get();
        try {
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (java.security.InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256: refused a " + key.length + "-byte key (expected: any length)", e);
        }
        return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    }

    private interface EngineLookup<T> {
        T get() throws GeneralSecurityException;
    }

    private static <T> T engine(EngineLookup<T> lookup) {
        try {
            return lookup.get();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 or HmacSHA256: unavailable (expected: every JDK has both)", e);
        }
    }
}
