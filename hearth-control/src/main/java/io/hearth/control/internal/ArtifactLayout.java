package io.hearth.control.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Artifacts live per tenant, {@code <artifacts>/<tenant>/<bucket>/<key>}, so that no tenant can overwrite or build
 * from another's code. A data dir from before tenants holds {@code <artifacts>/<bucket>/<key>}: all of it the
 * server's own account's, moved once under that tenant at start.
 *
 * <p>The marker file says the directory already has the tenant layout (a bucket may well be named with 12 digits,
 * so the names alone cannot tell). Each step is a rename or is idempotent, so a start that crashes half way is
 * finished by the next one.
 */
public final class ArtifactLayout {
    private static final Logger LOG = LoggerFactory.getLogger(ArtifactLayout.class);
    private static final Pattern TENANT = Pattern.compile("\\d{12}");
    /** A name no bucket can have (bucket names begin with a letter or a digit). */
    static final String MARKER = ".tenants";

    private ArtifactLayout() {}

    /** The directory of one tenant's artifacts: its buckets are its children. */
    public static Path tenantDir(Path artifactsRoot, String tenant) {
        if (!TENANT.matcher(tenant).matches()) {
            throw new IllegalArgumentException("tenant: " + tenant + " (expected: 12 digits)");
        }
        return artifactsRoot.resolve(tenant);
    }

    /** Brings {@code artifactsRoot} to the tenant layout, moving an old layout's buckets under {@code rootTenant}. */
    static void migrate(Path artifactsRoot, String rootTenant) {
        Path moving = artifactsRoot.resolveSibling(artifactsRoot.getFileName() + ".pre-tenants");
        Path target = tenantDir(artifactsRoot, rootTenant);
        try {
            if (!Files.exists(moving)) {
                if (Files.exists(artifactsRoot.resolve(MARKER))) {
                    return;
                }
                if (!Files.isDirectory(artifactsRoot)) {
                    Files.createDirectories(artifactsRoot);
                    Files.createFile(artifactsRoot.resolve(MARKER));
                    return;
                }
                Files.move(artifactsRoot, moving, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.createDirectories(artifactsRoot);
            if (!Files.exists(artifactsRoot.resolve(MARKER))) {
                Files.createFile(artifactsRoot.resolve(MARKER));
            }
            Files.move(moving, target, StandardCopyOption.ATOMIC_MOVE);
            LOG.info("artifacts of {} moved to {}, the account {}'s (artifacts are per tenant)", moving, target, rootTenant);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bring " + artifactsRoot + " to the per-tenant layout (expected: "
                    + "a writable data dir; " + moving + " holds the artifacts of the old layout if it exists)", e);
        }
    }
}
