package io.hearth.deployment;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The container image a version runs on, as its config says; the deployment's command is the image's ENTRYPOINT
 * followed by its CMD.
 *
 * @param reference  the {@code containerUri} as given (before any ECR mapping or mirror)
 * @param digest     {@code sha256:<hex>} of the platform manifest pulled
 * @param rootfs     the unpacked root filesystem on the host, shared and never written
 * @param uid        the image's {@code USER}, resolved against its own {@code /etc/passwd} when the version was
 *                   resolved; it exists only inside the sandbox
 * @param gid        its group, likewise
 * @param workingDir the image's {@code WORKDIR}, or empty for {@code /}
 * @param env        the image's {@code ENV}, in order, with {@code PATH} and the user's {@code HOME} where it sets none
 */
public record DeployedImage(String reference, String digest, Path rootfs, int uid, int gid, String workingDir,
        Map<String, String> env) {
    public DeployedImage {
        requireNonNull(reference, "reference");
        requireNonNull(digest, "digest");
        requireNonNull(rootfs, "rootfs");
        if (uid < 0 || gid < 0) {
            throw new IllegalArgumentException("uid:gid: " + uid + ":" + gid + " (expected: 0 or more each)");
        }
        requireNonNull(workingDir, "workingDir");
        env = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(env, "env")));
        if (!rootfs.isAbsolute()) {
            throw new IllegalArgumentException("rootfs: " + rootfs + " (expected: an absolute path)");
        }
        if (!workingDir.isEmpty() && !workingDir.startsWith("/")) {
            throw new IllegalArgumentException("workingDir: " + workingDir + " (expected: an absolute path or empty)");
        }
    }

    /** The image's working directory as an absolute path ({@code /} when it sets none). */
    public String workingDirectory() {
        return workingDir.isEmpty() ? "/" : workingDir;
    }
}
