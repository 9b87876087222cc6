package io.hearth.session;

import static java.util.Objects.requireNonNull;

import io.hearth.api.FileTrees;
import io.hearth.api.Workers;
import io.hearth.deployment.Deployment;
import io.hearth.launcher.SandboxLauncher;
import io.hearth.sandbox.HibernationImage;
import io.hearth.sandbox.HibernationKind;
import io.hearth.sandbox.Sandbox;
import io.hearth.sandbox.SandboxIds;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Post-initialisation snapshots, one per runtime version and endpoint, that new sessions start from: after a version's
 * first cold start, a sandbox of its own is started, waited for and checkpointed (memory and files); each new session
 * then restores a clone of it, skipping the interpreter's start and the agent's imports. A clone has its own sandbox
 * id, network and files; what the agent holds in memory is what it held before its first request, as for every cold
 * start, and the environment is the version's, which every session of it shares. gVisor only (it alone saves memory),
 * never with session storage (a clone would mount another session's files), and runtimes opt out with
 * {@code hearth:snapshotTemplate=false}. A template is checked by starting one clone before it is used; a version
 * whose agent cannot be checkpointed (epoll waiters: Node, the JVM) is remembered and cold-starts as before.
 */
final class SnapshotTemplates implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotTemplates.class);

    /** A version's template: being made, usable, or not possible (and why). */
    private sealed interface State {
        record Preparing() implements State {}

        record Ready(HibernationImage image) implements State {}

        record Unavailable(String why) implements State {}
    }

    private final SandboxLauncher launcher;
    private final Path root;
    private final Map<String, State> templates = new ConcurrentHashMap<>();
    private final Workers workers = Workers.bounded("hearth-session-template", 2, 1_000);
    private volatile boolean closed;

    SnapshotTemplates(SandboxLauncher launcher, Path root) {
        this.launcher = requireNonNull(launcher, "launcher");
        this.root = requireNonNull(root, "root");
        // Templates are rebuilt after a restart: their sandboxes' network and ids are this run's.
        FileTrees.deleteQuietly(root);
    }

    /** The template a cold start of {@code d} restores, when its version has a checked one. */
    Optional<HibernationImage> forStart(Deployment d) {
        return eligible(d) && templates.get(key(d)) instanceof State.Ready ready ? Optional.of(ready.image())
                : Optional.empty();
    }

    /** After a cold start of {@code d} became ready: makes its version's template, unless it has one or cannot. */
    void afterColdStart(Deployment d) {
        if (!eligible(d)) {
            return;
        }
        String key = key(d);
        if (templates.putIfAbsent(key, new State.Preparing()) != null) {
            return;
        }
        forgetOtherVersions(d);
        try {
            workers.execute(() -> prepare(d, key));
        } catch (RejectedExecutionException e) {
            templates.remove(key);
        }
    }

    /** A clone of this template failed to start: the version cold-starts from now on. */
    void failed(HibernationImage image, String why) {
        templates.entrySet().removeIf(e -> {
            if (e.getValue() instanceof State.Ready ready && ready.image().equals(image)) {
                LOG.warn("snapshot template {} dropped: a clone failed to start ({})", e.getKey(), why);
                FileTrees.deleteQuietly(image.dir());
                return true;
            }
            return false;
        });
    }

    void runtimeDeleted(String runtimeId) {
        templates.keySet().removeIf(key -> {
            boolean gone = key.startsWith(runtimeId + "\n");
            if (gone) {
                FileTrees.deleteQuietly(dirOf(key));
            }
            return gone;
        });
    }

    List<TemplateInfo> list() {
        var all = new ArrayList<TemplateInfo>();
        templates.forEach((key, state) -> {
            String[] parts = key.split("\n");
            all.add(switch (state) {
                case State.Preparing p -> new TemplateInfo(parts[0], parts[1], parts[2], "preparing", OptionalLong.empty(), "");
                case State.Ready r -> new TemplateInfo(parts[0], parts[1], parts[2], "ready",
                        OptionalLong.of(r.image().bytes()), "");
                case State.Unavailable u -> new TemplateInfo(parts[0], parts[1], parts[2], "unavailable",
                        OptionalLong.empty(), u.why());
            });
        });
        return all;
    }

    @Override
    public void close() {
        closed = true;
        workers.close(Duration.ofSeconds(5));
        FileTrees.deleteQuietly(root);
    }

    private boolean eligible(Deployment d) {
        return !closed && d.sessionStorage().isEmpty() && d.settings().snapshotTemplate().orElse(true)
                && launcher.hibernation(d).filter(kind -> kind == HibernationKind.MEMORY).isPresent();
    }

    private void prepare(Deployment d, String key) {
        Instant begun = Instant.now();
        State result;
        try {
            HibernationImage image = snapshot(d, dirOf(key));
            if (image.kind() != HibernationKind.MEMORY) {
                // Once more with a fresh sandbox: a connection of the readiness checks may have been closing still.
                FileTrees.deleteQuietly(image.dir());
                image = snapshot(d, dirOf(key));
            }
            if (image.kind() != HibernationKind.MEMORY) {
                result = new State.Unavailable("its agent's memory cannot be saved by this runsc");
            } else {
                check(d, image);
                result = new State.Ready(image);
                LOG.info("snapshot template of {} ({}) version {} ready in {} ms ({} bytes)", d.runtimeId(),
                        d.endpointName(), d.version(), Duration.between(begun, Instant.now()).toMillis(), image.bytes());
            }
        } catch (RuntimeException e) {
            result = new State.Unavailable(e.getMessage());
        }
        if (result instanceof State.Unavailable u) {
            LOG.info("no snapshot template for {} ({}) version {}: {}; its sessions cold-start", d.runtimeId(),
                    d.endpointName(), d.version(), u.why());
            FileTrees.deleteQuietly(dirOf(key));
        }
        // Only if still wanted: a newer version or a deleted runtime may have replaced it meanwhile.
        if (!templates.replace(key, new State.Preparing(), result) && result instanceof State.Ready ready) {
            FileTrees.deleteQuietly(ready.image().dir());
        }
    }

    /** Starts a sandbox of its own, waits for its agent, and saves it. */
    private HibernationImage snapshot(Deployment d, Path dir) {
        Sandbox sandbox = launcher.start(d, SandboxIds.next());
        try {
            launcher.awaitReady(d, sandbox, Instant.now(), () -> closed);
            launcher.quiesce(sandbox.agentAddress(), SessionManager.QUIESCE_WAIT);
            return sandbox.hibernate(dir);
        } finally {
            sandbox.stop();
        }
    }

    /** Starts one clone and waits for its agent: a template that cannot be restored is never used. */
    private void check(Deployment d, HibernationImage image) {
        Sandbox clone = launcher.start(d, SandboxIds.next(), Optional.of(image), Optional.empty());
        try {
            launcher.awaitReady(d, clone, Instant.now(), () -> closed);
            launcher.dropConnections(clone.agentAddress());
        } finally {
            clone.stop();
        }
    }

    private void forgetOtherVersions(Deployment d) {
        String prefix = d.runtimeId() + "\n" + d.endpointName() + "\n";
        templates.keySet().removeIf(key -> {
            boolean other = key.startsWith(prefix) && !key.equals(key(d));
            if (other) {
                FileTrees.deleteQuietly(dirOf(key));
            }
            return other;
        });
    }

    private static String key(Deployment d) {
        return d.runtimeId() + "\n" + d.endpointName() + "\n" + d.version();
    }

    private Path dirOf(String key) {
        return root.resolve(HibernatedSessions.digest(key));
    }
}
