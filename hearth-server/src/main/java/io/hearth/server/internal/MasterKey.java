package io.hearth.server.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key access-key secrets are encrypted under at rest (AES-256-GCM), kept in {@code <data-dir>/master.key}
 * (mode 0600, created on first start). A copy of {@code hearth.db} alone reveals no secret.
 */
public final class MasterKey {
    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    private MasterKey(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
    }

    /** Reads the master key in {@code dataDir}, creating it first when there is none. */
    public static MasterKey loadOrCreate(Path dataDir) {
        Path file = dataDir.resolve("master.key");
        try {
            if (!Files.exists(file)) {
                byte[] fresh = new byte[KEY_BYTES];
                RANDOM.nextBytes(fresh);
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    Files.write(file, Base64.getEncoder().encode(fresh));
                    return new MasterKey(fresh);
                } catch (FileAlreadyExistsException raced) {
                    // another writer won; read theirs
                }
            }
            byte[] key = Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).strip());
            if (key.length != KEY_BYTES) {
                throw new IllegalStateException("master key " + file + ": " + key.length + " bytes (expected: "
                        + KEY_BYTES + " bytes, base64)");
            }
            return new MasterKey(key);
        } catch (IOException e) {
            throw new UncheckedIOException("master key " + file + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("master key " + file + ": not base64 (expected: " + KEY_BYTES
                    + " bytes, base64)", e);
        }
    }

    /** Encrypts {@code secret}, bound to {@code context} (the key id): a sealed secret moved to another id fails to open. */
    public String seal(String secret, String context) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            byte[] out = Arrays.copyOf(nonce, NONCE_BYTES + sealed.length);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM: " + e.getMessage() + " (expected: every JDK has it)", e);
        }
    }

    /** @throws IllegalStateException when the sealed secret was not made by this key for this context */
    public String open(String sealed, String context) {
        try {
            byte[] in = Base64.getDecoder().decode(sealed);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("access key " + context + ": its secret does not open with this data dir's"
                    + " master.key (expected: the master.key the key was created with)", e);
        }
    }
}
