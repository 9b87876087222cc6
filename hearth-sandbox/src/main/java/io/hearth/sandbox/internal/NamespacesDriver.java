package io.hearth.sandbox.internal;

import io.hearth.sandbox.ExecSpec;
import io.hearth.sandbox.ResourceLimits;
import io.hearth.sandbox.SandboxException;
import io.hearth.sandbox.SandboxSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs each agent under bubblewrap in new user, pid, ipc, uts, mount and cgroup namespaces, inside a network
 * namespace of its own, as a host uid of its own with no capabilities and no way to make further user namespaces.
 *
 * <p>The launch is one chain of execs, so the JVM's child is bwrap itself:
 * {@code unshare --mount} (a private mount namespace for staging) → {@code sh} (joins the cgroups, binds the sandbox's
 * state directory, with its disk and the copy-on-write overlay of the code or image the server mounted there, over
 * {@link IsolatedDriver#STAGE}) → {@code nsenter --net --setuid --setgid} (the sandbox's network namespace, uid and
 * gid, no supplementary groups) → {@code bwrap}, which sets no_new_privs and drops every capability in the sandbox.
 * Staging is needed because bwrap, unprivileged, opens its bind sources as the sandbox uid, which cannot traverse
 * root-only directories such as the data dir; a bind of them over a world-searchable directory, made as root in the
 * launcher's own mount namespace, is visible to nothing else and vanishes with it. One bind, and no other process
 * between the shell and nsenter: each fork of a host tool costs a start about a millisecond.
 *
 * <p>The read-only base (host /usr and the /etc allow-list) is one recursive bind of the {@link BaseRoot}, prepared
 * under /run where the sandbox uid may walk to it: bwrap reads the whole mount table after each bind it makes, and
 * the base alone took it about 25.
 *
 * <p>The launcher's mount namespace lives as long as the sandbox (bwrap's monitor stays in it), and began as a copy
 * of the host's, with every other sandbox's disk, overlay and network namespace. Kept, those copies made each new
 * sandbox cost every live one a propagated mount and every later bwrap a longer mount table to walk: starts slowed
 * from 0.12 to 0.3 s per sandbox between the first and the fifth hundred, and each held about 4 MiB of kernel memory
 * more than a bare one. So the state root is a private mount point of its own, the network namespace is bound into
 * the sandbox's directory, and the launcher detaches the state root and {@code /run/netns} right after its one bind:
 * what it keeps no longer grows with the number of sandboxes.
 */
public final class NamespacesDriver extends IsolatedDriver {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(NamespacesDriver.class);
    /** The sandbox's network namespace, bound into its state directory so the launcher can reach it once staged. */
    private static final String NETNS_FILE = "netns";

    private static final String LAUNCH_SCRIPT = String.join("\n",
            "set -e",
            "n=$1; shift",
            "while [ \"$n\" -gt 0 ]; do echo $$ > \"$1\"; shift; n=$((n - 1)); done",
            "stage=$1; dir=$2; root=$3; uid=$4; shift 4",
            "mount --rbind \"$dir\" \"$stage\"",
            "umount -l \"$root\" /run/netns",
            "exec nsenter --net=\"$stage/" + NETNS_FILE + "\" --setuid=\"$uid\" --setgid=\"$uid\" -- \"$@\"");

    /** Whether this driver made the state root's bind over itself, and so removes it when it closes. */
    private final boolean boundRoot;

    public NamespacesDriver(Path stateRoot, Duration stopGrace) {
        super(stateRoot, stopGrace, BaseRoot.underRun(stateRoot));
        this.boundRoot = Mounts.bindOverItself(this.stateRoot);
    }

    @Override
    public void close() {
        super.close();
        if (boundRoot && !Mounts.unbind(stateRoot)) {
            LOG.info("sandbox state root {} is still in use (another driver shares it); its bind stays", stateRoot);
        }
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

    /**
     * Enters the agent's namespaces (user, mount, pid, net, ipc, uts, cgroup) with nsenter, after the host shell has
     * joined the sandbox's cgroups, as the agent's uid and gid, without supplementary groups and with no_new_privs.
     * Capabilities: setns into the user namespace grants all of them there, nsenter's switch to the agent's uid keeps
     * them (that uid is not the namespace's root), and the exec that follows clears the effective, permitted,
     * inheritable and ambient sets, as for any non-root exec. The bounding set stays full (dropping it needs a
     * capability no program inside can keep across its exec); with no_new_privs it can grant nothing.
     *
     * <p>nsenter forks into the pid namespace and passes the program's exit on (a signal's too). A terminal is one of
     * the sandbox's own devpts, so the program finds it at /dev/pts/N as tty(1) expects; it gets the slave as its
     * controlling terminal from setsid inside.
     */
    @Override
    ExecProcess exec(IsolatedSandbox sandbox, ExecSpec spec, Map<String, String> environment) {
        long init = sandbox.launcher().children().findFirst()
                .orElseThrow(() -> new SandboxException("sandbox " + sandbox.id()
                        + ": has no running init (expected: a running sandbox to run a program in)"))
                .pid();
        Path root = Path.of("/proc", Long.toString(init), "root");
        String executable = spec.command().getFirst();
        if (!RootedPath.isExecutableFile(root, executable)) {
            throw new SandboxException("sandbox " + sandbox.id() + ": " + executable
                    + " is not an executable file inside the sandbox (expected: an absolute path to a program in it)");
        }
        Optional<Pty> terminal = spec.terminal().map(size -> Pty.inDevpts(root.resolve("dev"), size));
        try {
            if (terminal.isPresent()) {
                // So the program may reopen its terminal by name, as its owner.
                Files.setAttribute(terminal.get().slave(), "unix:uid", sandbox.uid());
                Files.setAttribute(terminal.get().slave(), "unix:gid", sandbox.uid());
            }
        } catch (IOException | RuntimeException e) {
            terminal.ifPresent(Pty::close);
            throw new SandboxException("sandbox " + sandbox.id() + ": cannot hand its terminal to uid " + sandbox.uid()
                    + ": " + e.getMessage(), e);
        }
        // nsenter sets ids as the sandbox's user namespace numbers them, which need not be the host's.
        String uid = Long.toString(insideId(init, "uid_map", sandbox.uid()));
        String gid = Long.toString(insideId(init, "gid_map", sandbox.uid()));
        var argv = new ArrayList<>(List.of(
                "/usr/bin/setpriv", "--clear-groups", "--no-new-privs", "--",
                // Signals at their defaults (a JVM started in the background of a script ignores SIGINT, and the
                // program would inherit that), then a session of its own on the host: nothing of the program shares
                // the JVM's process group.
                "/usr/bin/env", "--default-signal",
                "/usr/bin/setsid", "--",
                "/usr/bin/nsenter", "--target", Long.toString(init),
                "--user", "--mount", "--pid", "--net", "--ipc", "--uts", "--cgroup",
                "--setuid", uid, "--setgid", gid, "--root", "--wd", "--",
                "/usr/bin/setsid"));
        if (terminal.isPresent()) {
            argv.add("--ctty");
        }
        argv.add("--");
        argv.addAll(spec.command());
        return HostExec.start("sandbox " + sandbox.id() + ": " + executable, sandbox.cgroup().procsFiles(), terminal,
                argv, Path.of("/"), environment, host -> ExecTree.kill(host.toHandle()));
    }

    /** The id a host uid or gid has inside the user namespace of {@code pid}, from its uid_map or gid_map. */
    private static long insideId(long pid, String map, long hostId) {
        Path file = Path.of("/proc", Long.toString(pid), map);
        try {
            for (String line : Files.readAllLines(file)) {
                String[] f = line.trim().split("\\s+");
                long inside = Long.parseLong(f[0]);
                long outside = Long.parseLong(f[1]);
                if (hostId >= outside && hostId < outside + Long.parseLong(f[2])) {
                    return inside + hostId - outside;
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new SandboxException("cannot read " + file + ": " + e.getMessage(), e);
        }
        throw new SandboxException(file + ": maps no id to host id " + hostId + " (expected: the sandbox's own)");
    }

    @Override
    List<String> launchCommand(SandboxSpec spec, Launch launch) {
        var argv = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "slave", "--", "/bin/sh", "-c",
                LAUNCH_SCRIPT, "hearth-launch"));
        List<Path> procs = launch.cgroup().procsFiles();
        argv.add(Integer.toString(procs.size()));
        procs.forEach(p -> argv.add(p.toString()));
        Mounts.bindFile(launch.network().netnsPath(), launch.dir().resolve(NETNS_FILE));
        argv.add(STAGE.toString());
        argv.add(launch.dir().toString());
        argv.add(stateRoot.toString());
        argv.add(Integer.toString(launch.uid()));
        argv.addAll(spec.image().isPresent() ? bwrapImageCommand(spec, launch) : bwrapCommand(spec, launch));
        return argv;
    }

    /** The session's storage at its mount path, when the sandbox has one. */
    private static List<String> storageBind(SandboxSpec spec, Launch launch) {
        if (launch.storage().isEmpty() || spec.storage().isEmpty()) {
            return List.of();
        }
        return List.of("--bind", staged(launch.storage().get(), launch.dir()), spec.storage().get().mountPath());
    }

    /** Where a path under the sandbox's state directory appears to bwrap: under the stage the launcher binds it on. */
    private static String staged(Path path, Path dir) {
        return STAGE.resolve(dir.relativize(path)).toString();
    }

    private List<String> bwrapCommand(SandboxSpec spec, Launch launch) {
        var argv = new ArrayList<>(List.of("bwrap",
                "--unshare-user", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup",
                "--disable-userns", "--new-session", "--cap-drop", "ALL", "--hostname", "sandbox", "--clearenv"));
        AgentEnvironment.of(spec).forEach((name, value) -> argv.addAll(List.of("--setenv", name, value)));
        argv.addAll(List.of(
                // Read-only, and everything under it: the base's mount points stay empty but for the sandbox's own
                // mounts, and /app, /tmp and the workspace are mounts of their own and writable.
                "--ro-bind", base.root().toString(), "/",
                "--proc", "/proc",
                "--dev", "/dev",
                "--bind", staged(launch.disk().tmp(), launch.dir()), "/tmp",
                "--bind", staged(launch.merged(), launch.dir()), BaseFilesystem.CODE,
                "--bind", staged(launch.workspace(), launch.dir()), BaseFilesystem.WORKSPACE));
        argv.addAll(storageBind(spec, launch));
        argv.addAll(List.of("--chdir", BaseFilesystem.CODE, "--"));
        argv.addAll(spec.command());
        return argv;
    }

    /**
     * An image's root, copy-on-write, as {@code /} instead of the host's base. The agent runs as the image's uid and
     * gid inside its user namespace, which maps them alone, to the sandbox's host uid: files the image gives other
     * owners show as the overflow id ({@code nobody}) and are reached through their mode's "other" bits, as a
     * container's unprivileged user reaches them; nothing is chowned.
     */
    private List<String> bwrapImageCommand(SandboxSpec spec, Launch launch) {
        var image = spec.image().orElseThrow();
        var argv = new ArrayList<>(List.of("bwrap",
                "--unshare-user", "--uid", Integer.toString(image.uid()), "--gid", Integer.toString(image.gid()),
                "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup",
                "--disable-userns", "--new-session", "--cap-drop", "ALL", "--hostname", "sandbox", "--clearenv"));
        AgentEnvironment.of(spec).forEach((name, value) -> argv.addAll(List.of("--setenv", name, value)));
        argv.addAll(List.of(
                "--bind", staged(launch.merged(), launch.dir()), "/",
                "--proc", "/proc",
                "--dev", "/dev",
                "--bind", staged(launch.disk().tmp(), launch.dir()), "/tmp",
                "--bind", staged(launch.workspace(), launch.dir()), BaseFilesystem.WORKSPACE));
        argv.addAll(storageBind(spec, launch));
        argv.addAll(List.of(
                "--chdir", image.workingDir(),
                "--"));
        argv.addAll(spec.command());
        return argv;
    }
}
