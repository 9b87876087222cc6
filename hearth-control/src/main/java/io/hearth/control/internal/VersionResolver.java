package io.hearth.control.internal;

import io.hearth.api.Json;
import io.hearth.store.Store;
import io.hearth.store.StoredEndpoint;
import io.hearth.store.StoredRuntime;
import io.hearth.store.StoredVersion;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    /** Runs between reading a version and unpacking its code: tests land a write there. */
    volatile Runnable beforeUnpacking = () -> {};

    VersionResolver(Store store, Artifacts artifacts, DeploymentDirectory directory, Executor background, Clock clock) {
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
        Optional<String> owner = store.transaction(tx -> tx.runtime(runtimeId)).map(StoredRuntime::tenant);
        if (stored.isEmpty() || owner.isEmpty()) {
            return;
        }
        beforeUnpacking.run();
        Optional<LaunchPlan> plan = Optional.empty();
        Optional<String> failure = Optional.empty();
        try {
            plan = Optional.of(artifacts.resolve(runtimeId, version, owner.get(), artifact(stored.get())));
        } catch (ArtifactException e) {
            failure = Optional.of(e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("resolving {} version {} failed", runtimeId, version, e);
            failure = Optional.of("internal error while resolving the artifact: " + e);
        }
        finish(runtimeId, version, plan, failure);
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

    static CodeArtifact artifact(StoredVersion version) {
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
        return Json.writeString(launch);
    }
}
