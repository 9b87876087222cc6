package io.hearth.sandbox.internal;

import io.hearth.sandbox.ExecSpec;
import io.hearth.sandbox.HibernationKind;
import io.hearth.sandbox.ResourceLimits;
import io.hearth.sandbox.SandboxException;
import io.hearth.sandbox.SandboxSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs each agent on gVisor ({@code runsc}, ptrace platform, its netstack on the sandbox's own veth): the agent's
 * system calls reach gVisor's user-space kernel, not the host's. The JVM's child is the runsc CLI in the foreground,
 * so its exit is the agent's; it runs in a private mount namespace with a tmpfs over {@code /proc/sys/net}, because
 * this runsc (2022) decides it sits in the root network namespace whenever {@code /proc/sys/net/core/rmem_default}
 * exists, which recent kernels show in every namespace.
 *
 * <p>Sandbox ids have one fixed length, because runsc finds containers by id prefix.
 */
public final class GvisorDriver extends IsolatedDriver {
    private static final String LAUNCH_SCRIPT = String.join("\n",
            "set -e",
            "mount -t tmpfs -o size=4k,mode=555 hearth-procnet /proc/sys/net",
            "exec \"$@\"");
    private static final Pattern STATE_ID = Pattern.compile(".*?(sb-[a-z0-9]{20}).*");

    /**
     * Under the ptrace platform every guest task costs the host five to ten tasks (its stub and the sentry threads
     * that trace it), on top of some forty for the sentry and gofer; measured here: 196 host tasks for 32 guest
     * processes forked by a single-threaded parent, over 300 when the parent is a threaded HTTP server. The guest's own limit is RLIMIT_NPROC, which gVisor's kernel enforces with EAGAIN; the host limit
     * is only the backstop, set high enough that gVisor never meets it first, because a sentry that cannot make a
     * thread dies (exit 2) rather than failing the guest's fork.
     */
    private static final long HOST_TASKS_BASE = 128;
    private static final long HOST_TASKS_PER_GUEST_TASK = 16;

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(GvisorDriver.class);
    /** A checkpoint of a small agent takes 0.1 to 0.3 s here; its memory is written to the data dir's disk. */
    private static final Duration CHECKPOINT_TIMEOUT = Duration.ofSeconds(60);

    /** runsc kill answers in ~0.1 s; past this, stop() stops asking and kills. */
    private static final Duration REQUEST_STOP_TIMEOUT = Duration.ofSeconds(5);

    private final Path runscRoot;

    public GvisorDriver(Path stateRoot, Duration stopGrace) {
        super(stateRoot, stopGrace, BaseRoot.inside(stateRoot));
        this.runscRoot = this.stateRoot.resolve("runsc");
        try {
            Files.createDirectories(runscRoot);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare gVisor state under " + this.stateRoot, e);
        }
    }

    @Override
    public String name() {
        return "gvisor";
    }

    @Override
    public String isolationSummary() {
        return "gvisor (runsc, ptrace platform): each agent runs on gVisor's user-space kernel, which serves its system"
                + " calls instead of the host kernel, with its own network stack on a private veth, a read-only base,"
                + " a bounded workspace and cgroup limits; gVisor itself runs on the host kernel, and this is no"
                + " hardware VM.";
    }

    /**
     * gVisor's kernel checks the agent's accesses itself, against the owners the gofer reports, so the agent's
     * directories belong to the ids it runs as there: an image's user, or the sandbox's uid. On the host they are
     * files in the sandbox's own root-only disk.
     */
    @Override
    SandboxDisk.Owner agentOwner(SandboxSpec spec, int uid) {
        return spec.image().map(image -> new SandboxDisk.Owner(image.uid(), image.gid()))
                .orElse(new SandboxDisk.Owner(uid, uid));
    }

    @Override
    long hostTaskLimit(ResourceLimits limits) {
        return HOST_TASKS_BASE + HOST_TASKS_PER_GUEST_TASK * limits.maxProcesses();
    }

    @Override
    void requestStop(IsolatedSandbox sandbox) {
        // The CLI does not pass signals on: SIGTERM would kill it, and with it the sandbox, at once and leave its
        // state behind. runsc kill delivers SIGTERM to the agent, which ends and lets the CLI clean up (~0.1 s).
        var argv = new ArrayList<>(runsc());
        argv.addAll(List.of("kill", sandbox.id(), "TERM"));
        HostCommand.run(argv, "", REQUEST_STOP_TIMEOUT);
    }

    @Override
    ExecProcess exec(IsolatedSandbox sandbox, ExecSpec spec, java.util.Map<String, String> environment) {
        return GvisorExec.start(sandbox, runsc(), spec, environment);
    }

    @Override
    List<String> launchCommand(SandboxSpec spec, Launch launch) {
        Path bundle = launch.dir().resolve("bundle");
        try {
            Files.createDirectories(bundle);
            // The gofer, runsc's child, serves the copy-on-write view of the code (/app) or image (/) to the sandbox.
            Files.writeString(bundle.resolve("config.json"), OciSpec.of(spec, launch, base.root(), launch.merged(),
                    cgroups.ociCgroupsPath(name(), spec.id())));
        } catch (IOException e) {
            throw new SandboxException("cannot write the OCI bundle in " + bundle + ": " + e.getMessage(), e);
        }
        var argv = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "--",
                "/bin/sh", "-c", LAUNCH_SCRIPT, "hearth-launch"));
        argv.addAll(runsc());
        argv.add("--network=sandbox");
        Optional<Path> memory = spec.resume().filter(image -> image.kind() == HibernationKind.MEMORY)
                .map(image -> image.dir().resolve(IsolatedSandbox.MEMORY));
        if (memory.isPresent()) {
            // In the foreground like run: the CLI's exit is the restored agent's. A new netns and address serve,
            // since netstack takes the veth's address afresh.
            argv.addAll(List.of("restore", "--image-path", memory.get().toString()));
        } else {
            argv.add("run");
        }
        argv.addAll(List.of("--bundle", bundle.toString(), spec.id()));
        return argv;
    }

    @Override
    boolean resumesMemory() {
        return true;
    }

    /**
     * runsc checkpoint saves the sentry's state and ends the container (the foreground CLI then exits 0). It fails for
     * agents whose listening socket has epoll waiters (Node, the JVM): this runsc cannot encode them, and the failed
     * attempt ends the sandbox as well; their files are kept all the same.
     */
    @Override
    boolean checkpoint(IsolatedSandbox sandbox, Path dir) {
        var argv = new ArrayList<>(runsc());
        argv.addAll(List.of("checkpoint", "--image-path", dir.toString(), sandbox.id()));
        var result = HostCommand.run(argv, "", CHECKPOINT_TIMEOUT);
        if (result.ok() && Files.isRegularFile(dir.resolve("checkpoint.img"))) {
            return true;
        }
        LOG.warn("sandbox {}: runsc checkpoint failed (exit {}): {}; keeping its files only", sandbox.id(),
                result.code(), result.output().strip());
        return false;
    }

    private List<String> runsc() {
        return List.of("runsc", "--root", runscRoot.toString(), "--platform=ptrace");
    }

    @Override
    void removeRuntimeState(String id) {
        if (!stateIds().contains(id)) {
            return; // runsc removed it itself, as it does when the container's process ends
        }
        var argv = new ArrayList<>(runsc());
        argv.addAll(List.of("delete", "--force", id));
        HostCommand.run(argv, "");
        if (stateIds().contains(id)) {
            // runsc refuses to delete a container whose sandbox it cannot find; the state files are all that is left.
            try (var files = Files.list(runscRoot)) {
                for (Path file : files.filter(f -> f.getFileName().toString().contains(id)).toList()) {
                    ProcessTree.deleteRecursively(file);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + runscRoot, e);
            }
        }
    }

    @Override
    List<String> runtimeLeftovers() {
        return List.copyOf(stateIds());
    }

    private LinkedHashSet<String> stateIds() {
        var ids = new LinkedHashSet<String>();
        try (var files = Files.list(runscRoot)) {
            for (Path file : files.toList()) {
                Matcher m = STATE_ID.matcher(file.getFileName().toString());
                if (m.matches()) {
                    ids.add(m.group(1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + runscRoot, e);
        }
        return ids;
    }
}
