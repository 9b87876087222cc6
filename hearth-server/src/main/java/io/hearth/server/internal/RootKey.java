package io.hearth.server.internal;

import io.hearth.auth.AccessKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The root access key at start-up: the one given (environment or configuration), stored enabled; else, when the
 * server has no key at all, a new one, shown once. Either way {@code <data-dir>/credentials} (0600, the AWS INI
 * format) holds it for the local CLI and SDKs.
 */
public final class RootKey {
    private static final Logger LOG = LoggerFactory.getLogger(RootKey.class);

    private RootKey() {}

    public static void ensure(KeyRing keys, Optional<AccessKey> given, String tenant, String region, Path dataDir) {
        Path credentials = dataDir.resolve("credentials");
        if (given.isPresent()) {
            AccessKey root = new AccessKey(given.get().id(), given.get().secret(), tenant, true);
            keys.save(root, "root (given at start)");
            writeCredentials(credentials, root, region);
            LOG.info("root access key {} (given at start); credentials in {}", root.id(), credentials);
        } else if (keys.isEmpty()) {
            AccessKey root = keys.create(tenant, "root (created at first start)");
            writeCredentials(credentials, root, region);
            LOG.info("root access key created: id={} secret={} (also in {})", root.id(), root.secret(), credentials);
        }
    }

    static void writeCredentials(Path file, AccessKey key, String region) {
        String ini = "[default]\naws_access_key_id=" + key.id() + "\naws_secret_access_key=" + key.secret()
                + "\nregion=" + region + "\n";
        try {
            Path temp = Files.createTempFile(file.getParent(), ".credentials", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                Files.writeString(temp, ini);
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("credentials file " + file + ": " + e.getMessage(), e);
        }
    }
}
