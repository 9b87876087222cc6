package io.hearth.control.internal;

import io.hearth.api.Json;
import io.hearth.deployment.HearthTags;
import io.hearth.image.PullProgress;
import io.hearth.store.Store;
import io.hearth.store.StoredEndpoint;
import io.hearth.store.StoredRuntime;
import io.hearth.store.StoredVersion;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Moves a new version from CREATING to READY (or to a failure with its reason) off the request thread: unpacks
 * the artifact, then, in one transaction, marks the version, the runtime (when it is the latest) and every endpoint
 * targeting it, and tells listeners which endpoints now serve it.
 */
final class VersionResolver {
    private static final Logger LOG = LoggerFactory.getLogger(VersionResolver.class);

    private final Store store;
    private final Artifacts artifacts;
    private final DeploymentDirectory directory;
    private final Executor background;
    private final Clock clock;
    private final Optional<String> defaultDriver;
    /** Runs between reading a version and unpacking its code: tests land a write there. */
    volatile Runnable beforeUnpacking = () -> {};

    VersionResolver(Store store, Artifacts artifacts, DeploymentDirectory directory, Executor background, Clock clock,
            Optional<String> defaultDriver) {
        this.defaultDriver = defaultDriver;
        this.store = store;
        this.artifacts = artifacts;
        this.directory = directory;
        this.background = background;
        this.clock = clock;
    }

    void resolveLater(String runtimeId, int version) {
        background.execute(() -> resolve(runtimeId, version));
    }

    /** Versions a crash left CREATING are resolved again at start-up. */
    void resumeInterrupted() {
        for (StoredVersion version : store.transaction(tx -> tx.versionsIn(Status.CREATING))) {
            LOG.info("resuming resolution of {} version {}", version.runtimeId(), version.version());
            resolveLater(version.runtimeId(), version.version());
        }
    }

    private void resolve(String runtimeId, int version) {
        Optional<StoredVersion> stored = store.transaction(tx -> tx.version(runtimeId, version));
        Optional<StoredRuntime> runtime = store.transaction(tx -> tx.runtime(runtimeId));
        Optional<String> owner = runtime.map(StoredRuntime::tenant);
        if (stored.isEmpty() || owner.isEmpty()) {
            return;
        }
        RuntimeArtifact artifact = artifact(stored.get());
        Optional<String> driver = HearthTags.parse(runtime.get().tags()).isolation().or(() -> defaultDriver);
        if (artifact instanceof ContainerArtifact container && driver.filter("process"::equals).isPresent()) {
            finish(runtimeId, version, Optional.empty(), Optional.of("image " + container.containerUri()
                    + " would run under the process driver (expected: container images need --isolation namespaces"
                    + " or gvisor, or the tag hearth:isolation=namespaces or gvisor)"));
            return;
        }
        beforeUnpacking.run();
        Optional<LaunchPlan> plan = Optional.empty();
        Optional<String> failure = Optional.empty();
        try {
            PullProgress progress = artifact instanceof ContainerArtifact container
                    ? new PullReport(container.containerUri(), reason -> progress(runtimeId, version, reason))
                    : PullProgress.NONE;
            plan = Optional.of(artifacts.resolve(runtimeId, version, owner.get(), artifact, progress));
        } catch (ArtifactException e) {
            failure = Optional.of(e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("resolving {} version {} failed", runtimeId, version, e);
            failure = Optional.of("internal error while resolving the artifact: " + e);
        }
        try {
            finish(runtimeId, version, plan, failure);
        } finally {
            plan.flatMap(LaunchPlan::image).ifPresent(image -> artifacts.images().recorded(image.manifestDigest()));
        }
    }

    /** Shows how a pull goes in the CREATING version's (and runtime's, when latest) {@code failureReason}. */
    private void progress(String runtimeId, int version, String reason) {
        store.transaction(tx -> {
            Optional<StoredVersion> stored = tx.version(runtimeId, version)
                    .filter(v -> v.status().equals(Status.CREATING));
            if (stored.isEmpty()) {
                return null;
            }
            tx.updateVersion(stored.get().resolved(Status.CREATING, Optional.of(reason), Optional.empty()));
            tx.runtime(runtimeId).filter(r -> r.latestVersion() == version
                            && (r.status().equals(Status.CREATING) || r.status().equals(Status.UPDATING)))
                    .ifPresent(r -> tx.updateRuntime(r.withStatus(r.status(), Optional.of(reason), r.lastUpdatedAt())));
            return null;
        });
    }

    /** Removes the images no remaining version runs; after a delete, off the request thread. */
    void collectImages() {
        Set<String> inUse = store.transaction(tx -> {
            var digests = new HashSet<String>();
            for (StoredVersion version : tx.versionsIn(Status.READY)) {
                version.launch().map(l -> Json.tree(l.getBytes(StandardCharsets.UTF_8)).path("image").path("digest"))
                        .filter(JsonNode::isString).ifPresent(d -> digests.add(d.stringValue()));
            }
            return digests;
        });
        artifacts.images().retainOnly(inUse);
    }

    private void finish(String runtimeId, int version, Optional<LaunchPlan> plan, Optional<String> failure) {
        var moved = new ArrayList<String>();
        Outcome outcome = store.transaction(tx -> {
            Optional<StoredRuntime> runtime = tx.runtime(runtimeId);
            if (runtime.isEmpty()) {
                return Outcome.RUNTIME_GONE;
            }
            Optional<StoredVersion> stored = tx.version(runtimeId, version);
            if (stored.isEmpty()) {
                return Outcome.VERSION_GONE;
            }
            var now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            String status = failure.isPresent() ? Status.failed(version > 1) : Status.READY;
            tx.updateVersion(stored.get().resolved(status, failure, plan.map(VersionResolver::launchJson)));
            if (runtime.get().latestVersion() == version) {
                tx.updateRuntime(runtime.get().withStatus(status, failure, now));
            }
            for (StoredEndpoint endpoint : tx.endpoints(runtimeId, 0, Integer.MAX_VALUE)) {
                if (endpoint.targetVersion() != version) {
                    continue;
                }
                if (failure.isPresent()) {
                    tx.updateEndpoint(endpoint.failed(Status.failed(endpoint.liveVersion().isPresent()), failure.get(), now));
                } else {
                    tx.updateEndpoint(endpoint.live(version, now));
                    moved.add(endpoint.name());
                }
            }
            directory.changed();
            return Outcome.RESOLVED;
        });
        switch (outcome) {
            // Deleted while its code was being unpacked: the delete's own clean-up may have run before the unpacking
            // wrote anything, so the files are removed again here.
            case RUNTIME_GONE -> artifacts.forget(runtimeId);
            case VERSION_GONE -> artifacts.forget(runtimeId, version);
            case RESOLVED -> {
                failure.ifPresentOrElse(
                        f -> LOG.warn("{} version {} failed: {}", runtimeId, version, f),
                        () -> LOG.info("{} version {} is READY", runtimeId, version));
                for (String endpoint : moved) {
                    directory.tell(l -> l.endpointMoved(runtimeId, endpoint, Integer.toString(version)));
                }
            }
        }
    }

    private enum Outcome { RESOLVED, RUNTIME_GONE, VERSION_GONE }

    static RuntimeArtifact artifact(StoredVersion version) {
        JsonNode container = Views.config(version).path("agentRuntimeArtifact").path("containerConfiguration");
        if (container.isObject()) {
            return new ContainerArtifact(container.path("containerUri").stringValue());
        }
        JsonNode code = Views.config(version).path("agentRuntimeArtifact").path("codeConfiguration");
        JsonNode s3 = code.path("code").path("s3");
        var entryPoint = new ArrayList<String>();
        code.path("entryPoint").forEach(e -> entryPoint.add(e.stringValue()));
        return new CodeArtifact(s3.path("bucket").stringValue(), s3.path("prefix").stringValue(),
                Optional.ofNullable(s3.path("versionId").stringValue(null)), code.path("runtime").stringValue(), entryPoint);
    }

    private static String launchJson(LaunchPlan plan) {
        Map<String, Object> launch = new LinkedHashMap<>();
        launch.put("code", plan.code().toString());
        launch.put("command", List.copyOf(plan.command()));
        launch.put("environment", plan.environment());
        plan.image().ifPresent(image -> {
            Map<String, Object> facts = new LinkedHashMap<>();
            facts.put("reference", image.pulled().reference().toString());
            facts.put("digest", image.manifestDigest());
            facts.put("rootfs", image.pulled().rootfs().toString());
            facts.put("uid", image.user().uid());
            facts.put("gid", image.user().gid());
            facts.put("workingDir", image.pulled().config().workingDir());
            facts.put("env", image.user().environment(image.pulled().config()));
            launch.put("image", facts);
        });
        return Json.writeString(launch);
    }
}
