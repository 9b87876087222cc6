package io.hearth.sandbox.internal;

import io.hearth.sandbox.ImageRoot;
import io.hearth.sandbox.SandboxSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The OCI runtime config (config.json) of a gVisor sandbox: the same view of the filesystem as the namespaces
 * driver gives (read-only /usr and /etc subset, code copy-on-write at /app, or an image's root copy-on-write as /;
 * workspace, private /tmp), no capabilities, the sandbox's uid or the image's user, its prepared network namespace
 * and its cgroups.
 */
final class OciSpec {
    private OciSpec() {}

    /**
     * @param rootfs the shared read-only base of code runtimes, with /usr and the allowed /etc entries in it
     * @param merged the sandbox's copy-on-write view of its code (mounted at /app) or of its image (the root)
     */
    static String of(SandboxSpec spec, IsolatedDriver.Launch launch, Path rootfs, Path merged, String cgroupsPath) {
        var env = new ArrayList<String>();
        AgentEnvironment.of(spec).forEach((name, value) -> env.add(name + "=" + value));

        var process = new LinkedHashMap<String, Object>();
        process.put("terminal", false);
        var owner = launch.disk().owner();
        process.put("user", Map.of("uid", owner.uid(), "gid", owner.gid()));
        process.put("args", spec.command());
        process.put("env", env);
        process.put("cwd", spec.image().map(ImageRoot::workingDir).orElse(BaseFilesystem.CODE));
        process.put("noNewPrivileges", true);
        // gVisor's kernel enforces RLIMIT_NPROC (fork fails with EAGAIN); all of the agent's processes share one uid,
        // so this is the sandbox's process limit.
        long processes = spec.limits().maxProcesses();
        process.put("rlimits", List.of(Map.of("type", "RLIMIT_NPROC", "hard", processes, "soft", processes)));
        List<String> none = List.of();
        process.put("capabilities", Map.of(
                "bounding", none, "effective", none, "inheritable", none, "permitted", none, "ambient", none));

        var mounts = new ArrayList<Object>();
        mounts.add(mount("/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev")));
        if (spec.image().isEmpty()) {
            // /usr and /etc come with the root, bound there once on the host (BaseRoot): one gofer connection for
            // all of them instead of one each.
            mounts.add(mount(BaseFilesystem.CODE, "bind", merged.toString(), List.of("rbind", "rw")));
        }
        mounts.add(mount(BaseFilesystem.WORKSPACE, "bind", launch.workspace().toString(), List.of("rbind", "rw")));
        // On the sandbox's disk, not in the sentry's memory: one quota for everything the agent writes.
        mounts.add(mount("/tmp", "bind", launch.disk().tmp().toString(), List.of("rbind", "rw")));
        if (launch.storage().isPresent() && spec.storage().isPresent()) {
            mounts.add(mount(spec.storage().get().mountPath(), "bind", launch.storage().get().toString(),
                    List.of("rbind", "rw")));
        }

        var namespaces = List.of(
                Map.of("type", "pid"),
                Map.of("type", "ipc"),
                Map.of("type", "uts"),
                Map.of("type", "mount"),
                Map.of("type", "network", "path", launch.network().netnsPath().toString()));
        var linux = new LinkedHashMap<String, Object>();
        linux.put("namespaces", namespaces);
        // The cgroups exist already, with our limits: runsc joins them and, not having made them, leaves them to us.
        linux.put("cgroupsPath", cgroupsPath);

        var config = new LinkedHashMap<String, Object>();
        config.put("ociVersion", "1.0.2");
        config.put("hostname", "sandbox");
        config.put("root", spec.image().isPresent()
                ? Map.of("path", merged.toString(), "readonly", false)
                : Map.of("path", rootfs.toString(), "readonly", true));
        config.put("process", process);
        config.put("mounts", mounts);
        config.put("linux", linux);
        return Json.write(config);
    }

    private static Map<String, Object> mount(String destination, String type, String source, List<String> options) {
        var mount = new LinkedHashMap<String, Object>();
        mount.put("destination", destination);
        mount.put("type", type);
        mount.put("source", source);
        mount.put("options", options);
        return mount;
    }
}
