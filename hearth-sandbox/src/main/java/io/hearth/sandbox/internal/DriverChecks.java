package io.hearth.sandbox.internal;

import io.hearth.sandbox.DriverAvailability;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Whether the isolating drivers can run here. Each check runs the real thing in miniature (an unprivileged bwrap
 * sandbox, a gVisor sandbox running {@code true}) rather than trusting that binaries exist: distributions differ in
 * whether unprivileged user namespaces or ptrace are allowed.
 */
public final class DriverChecks {
    private static final List<String> NETWORK_TOOLS = List.of("ip", "nft", "unshare", "nsenter", "setpriv", "mount", "umount");

    private DriverChecks() {}

    public static DriverAvailability process() {
        return DriverAvailability.yes("process", "always available; isolates nothing");
    }

    public static DriverAvailability namespaces() {
        Optional<String> missing = commonPrerequisites("namespaces", "bwrap", "bubblewrap");
        if (missing.isPresent()) {
            return DriverAvailability.no("namespaces", missing.get());
        }
        if (readNumber(Path.of("/proc/sys/user/max_user_namespaces")) == 0) {
            return DriverAvailability.no("namespaces", "user namespaces are disabled (user.max_user_namespaces = 0)");
        }
        var probe = HostCommand.run(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--",
                "bwrap", "--unshare-user", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup",
                "--unshare-net", "--disable-userns", "--cap-drop", "ALL", "--ro-bind", "/usr", "/usr",
                "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64", "--symlink", "usr/bin", "/bin",
                "--proc", "/proc", "--dev", "/dev", "/usr/bin/true"), "");
        if (!probe.ok()) {
            return DriverAvailability.no("namespaces", "an unprivileged bwrap sandbox fails here (exit " + probe.code()
                    + "): " + probe.output());
        }
        return DriverAvailability.yes("namespaces", HostCommand.run("bwrap", "--version").output() + ", "
                + CgroupLayout.probe().map(CgroupLayout::describe).orElse("?"));
    }

    public static DriverAvailability gvisor() {
        Optional<String> missing = commonPrerequisites("gvisor", "runsc", "runsc");
        if (missing.isPresent()) {
            return DriverAvailability.no("gvisor", missing.get());
        }
        Path root;
        try {
            root = Files.createTempDirectory("hearth-runsc-check");
        } catch (IOException e) {
            return DriverAvailability.no("gvisor", "cannot make a temporary directory for the runsc check: " + e.getMessage());
        }
        try {
            var probe = HostCommand.run(List.of("runsc", "--root", root.toString(), "--platform=ptrace",
                    "--network=none", "--ignore-cgroups", "do", "/usr/bin/true"), "");
            if (!probe.ok()) {
                return DriverAvailability.no("gvisor", "runsc --platform=ptrace cannot run a sandbox here (exit "
                        + probe.code() + "): " + probe.output());
            }
        } finally {
            ProcessTree.deleteRecursively(root);
        }
        String version = HostCommand.run("runsc", "--version").output().lines().findFirst().orElse("runsc");
        return DriverAvailability.yes("gvisor", version + ", ptrace platform, "
                + CgroupLayout.probe().map(CgroupLayout::describe).orElse("?"));
    }

    private static Optional<String> commonPrerequisites(String driver, String binary, String debianPackage) {
        if (!System.getProperty("os.name", "").equals("Linux")) {
            return Optional.of(driver + " needs Linux");
        }
        if (!isRoot()) {
            return Optional.of(driver + " needs root (to make network namespaces, veths, cgroups and mounts)");
        }
        var missing = new ArrayList<String>();
        for (String tool : concat(binary, NETWORK_TOOLS)) {
            if (which(tool).isEmpty()) {
                missing.add(tool);
            }
        }
        if (!missing.isEmpty()) {
            return Optional.of("missing " + String.join(", ", missing) + " (Debian: apt-get install " + debianPackage
                    + " iproute2 nftables util-linux mount; or run sudo ./hearth setup)");
        }
        if (CgroupLayout.probe().isEmpty()) {
            return Optional.of("no memory, cpu and pids cgroup controllers (neither cgroup v2 with them enabled nor v1)");
        }
        return Optional.empty();
    }

    private static List<String> concat(String first, List<String> rest) {
        var all = new ArrayList<String>();
        all.add(first);
        all.addAll(rest);
        return all;
    }

    static Optional<Path> which(String tool) {
        for (String dir : List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")) {
            Path candidate = Path.of(dir, tool);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0"); // effective uid
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    private static long readNumber(Path file) {
        try {
            return Long.parseLong(Files.readString(file).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }
}
