package io.hearth.control.internal;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/** {@code agentRuntimeArtifact.codeConfiguration}: where the code is and how AgentCore would start it. */
record CodeArtifact(String bucket, String prefix, Optional<String> versionId, String runtime, List<String> entryPoint)
        implements RuntimeArtifact {
    CodeArtifact {
        requireNonNull(bucket, "bucket");
        requireNonNull(prefix, "prefix");
        requireNonNull(versionId, "versionId");
        requireNonNull(runtime, "runtime");
        entryPoint = List.copyOf(entryPoint);
    }

    String location() {
        return "s3://" + bucket + "/" + prefix;
    }
}
