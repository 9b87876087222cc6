package io.hearth.sandbox.internal;

import io.hearth.sandbox.ResourceLimits;
import io.hearth.sandbox.SandboxSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs each agent under bubblewrap in new user, pid, ipc, uts, mount and cgroup namespaces, inside a network
 * namespace of its own, as a host uid of its own with no capabilities and no way to make further user namespaces.
 *
 * <p>The launch is one chain of execs, so the JVM's child is bwrap itself:
 * {@code unshare --mount} (a private mount namespace for staging) → {@code sh} (joins the cgroups, stages the code
 * and workspace under {@link IsolatedDriver#STAGE}) → {@code nsenter --net} → {@code setpriv} (drops to the
 * sandbox uid) → {@code bwrap}. Staging is needed because bwrap, unprivileged, opens its bind sources as the sandbox
 * uid, which cannot traverse root-only directories such as the data dir; bind mounts of them under a world-searchable
 * directory, made as root in the launcher's own mount namespace, are visible to nothing else and vanish with it.
 */
public final class NamespacesDriver extends IsolatedDriver {

    private static final String LAUNCH_SCRIPT = String.join("\n",
            "set -e",
            "n=$1; shift",
            "while [ \"$n\" -gt 0 ]; do echo $$ > \"$1\"; shift; n=$((n - 1)); done",
            "stage=$1; code=$2; workspace=$3; netns=$4; uid=$5; shift 5",
            "mount -t tmpfs -o size=64k,mode=0755 hearth-stage \"$stage\"",
            "mkdir \"$stage/app\" \"$stage/workspace\"",
            "mount --bind \"$code\" \"$stage/app\"",
            "mount -o remount,bind,ro \"$stage/app\"",
            "mount --bind \"$workspace\" \"$stage/workspace\"",
            "exec nsenter --net=\"$netns\" -- setpriv --reuid=\"$uid\" --regid=\"$uid\" --clear-groups --no-new-privs"
                    + " --inh-caps=-all --bounding-set=-all -- \"$@\"");

    private final List<Path> etc = BaseFilesystem.etcEntries();

    public NamespacesDriver(Path stateRoot, Duration stopGrace) {
        super(stateRoot, stopGrace);
    }

    @Override
    public String name() {
        return "namespaces";
    }

    @Override
    public String isolationSummary() {
        return "namespaces (bubblewrap): each agent runs as its own unprivileged uid without capabilities, in its own"
                + " user, pid, mount, ipc, uts, cgroup and network namespaces, on a read-only base with a bounded"
                + " workspace and cgroup limits; it shares the host kernel, so a kernel exploit escapes it.";
    }

    @Override
    long hostTaskLimit(ResourceLimits limits) {
        return limits.maxProcesses() + 2L; // bwrap's monitor and its pid-namespace init
    }

    @Override
    void requestStop(IsolatedSandbox sandbox) {
        // SIGTERM reaches the agent; bwrap's own processes are left to see it exit and pass its status on.
        long launcher = sandbox.launcher().pid();
        sandbox.cgroup().pids().stream()
                .filter(pid -> pid != launcher)
                .forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy));
    }

    @Override
    List<String> launchCommand(SandboxSpec spec, Launch launch) {
        var argv = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "slave", "--", "/bin/sh", "-c",
                LAUNCH_SCRIPT, "hearth-launch"));
        List<Path> procs = launch.cgroup().procsFiles();
        argv.add(Integer.toString(procs.size()));
        procs.forEach(p -> argv.add(p.toString()));
        argv.add(STAGE.toString());
        argv.add(spec.code().toAbsolutePath().toString());
        argv.add(launch.workspace().toString());
        argv.add(launch.network().netnsPath().toString());
        argv.add(Integer.toString(launch.uid()));
        argv.addAll(bwrapCommand(spec));
        return argv;
    }

    private List<String> bwrapCommand(SandboxSpec spec) {
        var argv = new ArrayList<>(List.of("bwrap",
                "--unshare-user", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup",
                "--disable-userns", "--new-session", "--cap-drop", "ALL", "--hostname", "sandbox", "--clearenv"));
        AgentEnvironment.of(spec).forEach((name, value) -> argv.addAll(List.of("--setenv", name, value)));
        argv.addAll(List.of("--ro-bind", "/usr", "/usr"));
        for (String[] link : BaseFilesystem.USR_LINKS) {
            if (Files.exists(Path.of("/", link[1]))) {
                argv.addAll(List.of("--symlink", link[1], "/" + link[0]));
            }
        }
        for (Path entry : etc) {
            argv.addAll(List.of("--ro-bind", entry.toString(), entry.toString()));
        }
        argv.addAll(List.of(
                "--proc", "/proc",
                "--dev", "/dev",
                // /tmp is RAM charged to the sandbox's memory cgroup; it gets the workspace's bound as well.
                "--size", Long.toString(spec.limits().workspaceBytes()), "--tmpfs", "/tmp",
                "--ro-bind", STAGE.resolve("app").toString(), BaseFilesystem.CODE,
                "--bind", STAGE.resolve("workspace").toString(), BaseFilesystem.WORKSPACE,
                "--chdir", BaseFilesystem.CODE,
                // bwrap builds the root on a tmpfs the sandbox's user namespace owns; without this the agent could
                // write beside the base (into /, /etc). /tmp and the workspace are mounts of their own and stay writable.
                "--remount-ro", "/",
                "--"));
        argv.addAll(spec.command());
        return argv;
    }
}
