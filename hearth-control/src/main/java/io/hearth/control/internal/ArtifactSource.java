package io.hearth.control.internal;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/** Where {@code code.s3{bucket,prefix,versionId}} is read from: Hearth's own artifact store, or a real S3 API. */
sealed interface ArtifactSource permits LocalArtifactSource, S3ArtifactSource {
    /** The artifact on local disk, a {@code .zip} or a directory, read-only to the caller. */
    Fetched fetch(String tenant, CodeArtifact artifact);

    /** A fetched artifact; {@code discard} forgets a downloaded copy that turned out unusable. */
    record Fetched(Path path, Runnable discard) {
        public Fetched {
            requireNonNull(path, "path");
            requireNonNull(discard, "discard");
        }
    }
}
