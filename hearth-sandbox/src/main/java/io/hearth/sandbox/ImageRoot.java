package io.hearth.sandbox;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A container image's root filesystem to run the agent on, instead of the host's {@code /usr} and {@code /etc}.
 *
 * @param rootfs     the unpacked image on the host; shared by every sandbox of the image and never written: each
 *                   sandbox writes to a private copy-on-write layer over it
 * @param uid        the image's user as a number, resolved from its {@code /etc/passwd}; it exists only inside the
 *                   sandbox and grants nothing on the host
 * @param gid        the image's group, likewise
 * @param workingDir absolute; the image's {@code WORKDIR}, or {@code /}
 * @param env        the image's variables ({@code ENV}, with {@code HOME} from its passwd when the image sets none),
 *                   under the runtime's own and Hearth's
 */
public record ImageRoot(Path rootfs, int uid, int gid, String workingDir, Map<String, String> env) {
    public ImageRoot {
        requireNonNull(rootfs, "rootfs");
        requireNonNull(workingDir, "workingDir");
        if (!rootfs.isAbsolute()) {
            throw new IllegalArgumentException("rootfs: " + rootfs + " (expected: an absolute path)");
        }
        if (uid < 0 || gid < 0) {
            throw new IllegalArgumentException("uid:gid: " + uid + ":" + gid + " (expected: 0 or more each)");
        }
        if (!workingDir.startsWith("/") || workingDir.contains("\0")) {
            throw new IllegalArgumentException("workingDir: " + workingDir + " (expected: an absolute path)");
        }
        env = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(env, "env")));
    }
}
