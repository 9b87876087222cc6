package io.hearth.control.internal;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Hearth's own artifact store, {@code <artifacts>/<tenant>/<bucket>/<prefix>}, where the tenant is the runtime's owner:
 * no tenant builds from another's code. It keeps no versions, so {@code versionId} is not looked at.
 */
final class LocalArtifactSource implements ArtifactSource {
    private final Path artifactsRoot;

    LocalArtifactSource(Path artifactsRoot) {
        this.artifactsRoot = artifactsRoot.toAbsolutePath().normalize();
    }

    @Override
    public Fetched fetch(String tenant, CodeArtifact artifact) {
        Path tenantDir = ArtifactLayout.tenantDir(artifactsRoot, tenant);
        Path bucket = tenantDir.resolve(artifact.bucket()).normalize();
        Path source = bucket.resolve(artifact.prefix()).normalize();
        if (!bucket.getParent().equals(tenantDir) || !source.startsWith(bucket)) {
            throw new ArtifactException("artifact " + artifact.location() + " points outside its bucket");
        }
        if (!Files.exists(source)) {
            throw new ArtifactException("artifact " + artifact.location() + " not found in account " + tenant
                    + " (expected: a directory or a .zip at " + source + ", uploaded by that account)");
        }
        return new Fetched(source, () -> {});
    }
}
