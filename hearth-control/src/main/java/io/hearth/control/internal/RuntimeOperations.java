package io.hearth.control.internal;

import io.hearth.control.ControlLimits;
import io.hearth.control.ControlReply;
import io.hearth.control.RuntimeApi;
import io.hearth.api.ApiException;
import io.hearth.api.AwsIdentity;
import io.hearth.api.FieldError;
import io.hearth.api.Json;
import io.hearth.store.Store;
import io.hearth.store.StoredEndpoint;
import io.hearth.store.StoredRuntime;
import io.hearth.store.StoredVersion;
import io.hearth.store.Transaction;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The six runtime operations: Create, Get, Update, Delete, List, ListVersions (docs/wire-contract.md §3). Every version is
 * immutable; Create makes version 1 and the DEFAULT endpoint, each Update makes the next version and moves DEFAULT
 * to it once it resolves.
 *
 * <p>One instance acts for one tenant, the account of {@code identity}: it creates runtimes in that account (their
 * ARNs carry it) and sees no other tenant's, which read exactly as runtimes that do not exist.
 */
final class RuntimeOperations implements RuntimeApi {
    static final String DEFAULT_ENDPOINT = "DEFAULT";
    static final Pattern VERSION = Pattern.compile("[1-9][0-9]{0,4}");

    private final Store store;
    private final AwsIdentity identity;
    private final Views views;
    private final Idempotency idempotency;
    private final VersionResolver resolver;
    private final DeploymentDirectory directory;
    private final Artifacts artifacts;
    private final Executor background;
    private final Clock clock;
    private final Duration lifecycleFloor;
    private final Duration lifecycleCap;

    RuntimeOperations(Store store, AwsIdentity identity, Idempotency idempotency, VersionResolver resolver,
            DeploymentDirectory directory, Artifacts artifacts, Executor background, Clock clock, Duration lifecycleFloor,
            Duration lifecycleCap) {
        this.store = store;
        this.identity = identity;
        this.views = new Views(identity);
        this.idempotency = idempotency;
        this.resolver = resolver;
        this.directory = directory;
        this.artifacts = artifacts;
        this.background = background;
        this.clock = clock;
        this.lifecycleFloor = lifecycleFloor;
        this.lifecycleCap = lifecycleCap;
    }

    /** The same operations acting for another tenant. */
    RuntimeOperations as(String tenant) {
        if (tenant.equals(identity.accountId())) {
            return this;
        }
        return new RuntimeOperations(store, new AwsIdentity(identity.region(), tenant), idempotency, resolver, directory,
                artifacts, background, clock, lifecycleFloor, lifecycleCap);
    }

    private String tenant() {
        return identity.accountId();
    }

    /** Idempotency records are per tenant: another tenant's token never replays this one's answer. */
    private String operation(String name) {
        return tenant() + " " + name;
    }

    @Override
    public ControlReply create(JsonNode body) {
        RuntimeRequest request = RuntimeRequest.parse(body, true, lifecycleFloor, lifecycleCap);
        String name = request.name().orElseThrow();
        return idempotency.once(operation("CreateAgentRuntime"), request.clientToken(), withoutToken(body), tx -> {
            tx.runtimeNamed(tenant(), name).ifPresent(existing -> {
                throw ApiException.conflict("An agent runtime named " + name + " already exists (" + existing.id() + ")");
            });
            int maxRuntimes = ControlLimits.forTenant(tx, tenant()).agents();
            if (tx.runtimeCount(tenant()) >= maxRuntimes) {
                throw ApiException.quotaExceeded("Agent runtimes limit exceeded: " + maxRuntimes + " per account"
                        + (ControlLimits.own(tx, tenant(), q -> q.maxAgents()) ? " (the tenant's maxAgents)" : ""));
            }
            Instant now = now();
            String id = ResourceIds.of(name);
            StoredRuntime created = tx.insertRuntime(new StoredRuntime(0, id, tenant(), name, identity.runtimeArn(id),
                    Status.CREATING, Optional.empty(), 1, request.tags(), now, now));
            tx.insertVersion(new StoredVersion(id, 1, Status.CREATING, Optional.empty(),
                    Json.writeString(request.config()), Optional.empty(), now));
            tx.insertEndpoint(new StoredEndpoint(0, id, DEFAULT_ENDPOINT, ResourceIds.of(DEFAULT_ENDPOINT),
                    Optional.empty(), OptionalInt.empty(), 1, Status.CREATING, Optional.empty(), now, now));
            directory.changed();
            return new Write(ControlReply.accepted(views.written(created, false)), () -> resolver.resolveLater(id, 1));
        });
    }

    @Override
    public ControlReply get(String runtimeId, Optional<String> version) {
        return store.transaction(tx -> {
            StoredRuntime runtime = runtime(tx, tenant(), runtimeId);
            int number = version.isPresent() ? versionNumber(version.get(), "version") : runtime.latestVersion();
            StoredVersion stored = version(tx, runtime, number);
            return ControlReply.ok(views.runtime(runtime, stored, version.isPresent()));
        });
    }

    @Override
    public ControlReply update(String runtimeId, JsonNode body) {
        RuntimeRequest request = RuntimeRequest.parse(body, false, lifecycleFloor, lifecycleCap);
        return idempotency.once(operation("UpdateAgentRuntime " + runtimeId), request.clientToken(), withoutToken(body), tx -> {
            StoredRuntime current = runtime(tx, tenant(), runtimeId);
            int maxVersions = ControlLimits.forTenant(tx, tenant()).versionsPerAgent();
            if (tx.versionCount(runtimeId) >= maxVersions) {
                throw ApiException.quotaExceeded("Versions limit exceeded: " + maxVersions + " per agent runtime "
                        + (ControlLimits.own(tx, tenant(), q -> q.maxVersionsPerAgent()) ? "(the tenant's maxVersionsPerAgent; " : "(")
                        + "delete old versions with DeleteAgentRuntime and a version)");
            }
            Instant now = now();
            int next = current.latestVersion() + 1;
            StoredRuntime updated = current.withLatestVersion(next, Status.UPDATING, now);
            tx.updateRuntime(updated);
            tx.insertVersion(new StoredVersion(runtimeId, next, Status.CREATING, Optional.empty(),
                    Json.writeString(request.config()), Optional.empty(), now));
            tx.endpoint(runtimeId, DEFAULT_ENDPOINT).ifPresent(e ->
                    tx.updateEndpoint(e.targeting(next, e.description(), Status.UPDATING, now)));
            directory.changed();
            return new Write(ControlReply.accepted(views.written(updated, true)), () -> resolver.resolveLater(runtimeId, next));
        });
    }

    /** Deletes the runtime, or with {@code version} only that version (the newer model's DeleteAgentRuntime). */
    @Override
    public ControlReply delete(String runtimeId, Optional<String> clientToken, Optional<String> version) {
        clientToken.ifPresent(RuntimeOperations::checkClientToken);
        OptionalInt number = version.isPresent() ? OptionalInt.of(versionNumber(version.get(), "version")) : OptionalInt.empty();
        return idempotency.once(operation("DeleteAgentRuntime " + runtimeId), clientToken, "version=" + version.orElse(""), tx -> {
            if (number.isPresent()) {
                return deleteVersion(tx, runtimeId, number.getAsInt());
            }
            runtime(tx, tenant(), runtimeId);
            tx.deleteRuntime(runtimeId);
            directory.changed();
            return new Write(ControlReply.accepted(Map.of("agentRuntimeId", runtimeId, "status", Status.DELETING)), () -> {
                directory.tell(l -> l.runtimeDeleted(runtimeId));
                background.execute(() -> {
                    artifacts.forget(runtimeId);
                    resolver.collectImages();
                });
            });
        });
    }

    private Write deleteVersion(Transaction tx, String runtimeId, int version) {
        StoredRuntime runtime = runtime(tx, tenant(), runtimeId);
        version(tx, runtime, version);
        List<String> users = tx.endpoints(runtimeId, 0, Integer.MAX_VALUE).stream()
                .filter(e -> e.targetVersion() == version
                        || (e.liveVersion().isPresent() && e.liveVersion().getAsInt() == version))
                .map(StoredEndpoint::name)
                .toList();
        if (!users.isEmpty() || runtime.latestVersion() == version) {
            throw ApiException.conflict("Version " + version + " of agent runtime " + runtimeId
                    + " is in use (endpoints " + users + (runtime.latestVersion() == version ? ", and it is the latest" : "")
                    + "; expected: a version no endpoint serves)");
        }
        tx.deleteVersion(runtimeId, version);
        directory.changed();
        return new Write(ControlReply.accepted(Map.of("agentRuntimeId", runtimeId, "agentRuntimeVersion", Integer.toString(version),
                "status", Status.DELETING)), () -> background.execute(() -> {
                    artifacts.forget(runtimeId, version);
                    resolver.collectImages();
                }));
    }

    @Override
    public ControlReply list(Optional<String> maxResults, Optional<String> nextToken) {
        Page page = Page.of("runtimes", maxResults, nextToken);
        return store.transaction(tx -> {
            List<StoredRuntime> runtimes = tx.runtimes(tenant(), page.after(), page.size() + 1);
            var items = new ArrayList<Map<String, Object>>();
            for (StoredRuntime runtime : runtimes.subList(0, Math.min(page.size(), runtimes.size()))) {
                items.add(views.summary(runtime, version(tx, runtime, runtime.latestVersion()), false));
            }
            var body = new LinkedHashMap<String, Object>();
            body.put("agentRuntimes", items);
            if (runtimes.size() > page.size()) {
                body.put("nextToken", page.tokenAfter(runtimes.get(page.size() - 1).seq()));
            }
            return ControlReply.ok(body);
        });
    }

    @Override
    public ControlReply listVersions(String runtimeId, Optional<String> maxResults, Optional<String> nextToken) {
        Page page = Page.of("versions", maxResults, nextToken);
        return store.transaction(tx -> {
            StoredRuntime runtime = runtime(tx, tenant(), runtimeId);
            // Newest first; the token holds the last version seen, so the next page starts just below it.
            int below = page.after() == 0 ? Integer.MAX_VALUE : (int) page.after();
            List<StoredVersion> versions = tx.versions(runtimeId, below, page.size() + 1);
            var items = new ArrayList<Map<String, Object>>();
            for (StoredVersion version : versions.subList(0, Math.min(page.size(), versions.size()))) {
                items.add(views.summary(runtime, version, true));
            }
            var body = new LinkedHashMap<String, Object>();
            body.put("agentRuntimes", items);
            if (versions.size() > page.size()) {
                body.put("nextToken", page.tokenAfter(versions.get(page.size() - 1).version()));
            }
            return ControlReply.ok(body);
        });
    }

    /** The tenant's runtime; another tenant's is not found, with the very message of one that does not exist. */
    static StoredRuntime runtime(Transaction tx, String tenant, String runtimeId) {
        return tx.runtime(tenant, runtimeId).orElseThrow(() -> ApiException.notFound("Agent runtime " + runtimeId + " not found"));
    }

    static StoredVersion version(Transaction tx, StoredRuntime runtime, int version) {
        return tx.version(runtime.id(), version).orElseThrow(() -> ApiException.notFound(
                "Version " + version + " of agent runtime " + runtime.id() + " not found (latest is "
                        + runtime.latestVersion() + ")"));
    }

    static int versionNumber(String value, String field) {
        if (!VERSION.matcher(value).matches()) {
            throw ApiException.validation("1 validation error detected: Value '" + value + "' at '" + field
                    + "' failed to satisfy constraint: Member must satisfy regular expression pattern: " + VERSION.pattern(),
                    new FieldError(field, "expected a version number such as 1"));
        }
        return Integer.parseInt(value);
    }

    static void checkClientToken(String token) {
        var checks = new FieldChecks();
        checks.checked(token, "clientToken", 33, 256, RuntimeRequest.CLIENT_TOKEN);
        checks.throwIfFailed();
    }

    static String withoutToken(JsonNode body) {
        if (body instanceof ObjectNode object) {
            ObjectNode copy = object.deepCopy();
            copy.remove("clientToken");
            return Json.writeString(copy);
        }
        return Json.writeString(body);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
