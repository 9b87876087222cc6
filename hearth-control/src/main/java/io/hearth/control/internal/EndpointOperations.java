package io.hearth.control.internal;

import io.hearth.control.ControlLimits;
import io.hearth.control.ControlReply;
import io.hearth.control.EndpointApi;
import static io.hearth.control.internal.RuntimeOperations.DEFAULT_ENDPOINT;
import static io.hearth.control.internal.RuntimeOperations.runtime;
import static io.hearth.control.internal.RuntimeOperations.withoutToken;

import io.hearth.api.ApiException;
import io.hearth.api.AwsIdentity;
import io.hearth.api.FieldError;
import io.hearth.store.Store;
import io.hearth.store.StoredEndpoint;
import io.hearth.store.StoredRuntime;
import io.hearth.store.StoredVersion;
import io.hearth.store.Transaction;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * The five endpoint operations (docs/wire-contract.md §3). A named endpoint serves the version it was given until it is
 * updated; it goes live at once when that version is READY, otherwise when the version resolves. Like
 * {@link RuntimeOperations}, one instance acts for the tenant of its {@code identity}.
 */
final class EndpointOperations implements EndpointApi {
    private static final Pattern TAG = Pattern.compile("[a-zA-Z0-9\\s._:/=+@-]*");

    private final Store store;
    private final AwsIdentity identity;
    private final Views views;
    private final Idempotency idempotency;
    private final DeploymentDirectory directory;
    private final Clock clock;

    EndpointOperations(Store store, AwsIdentity identity, Idempotency idempotency, DeploymentDirectory directory,
            Clock clock) {
        this.store = store;
        this.identity = identity;
        this.views = new Views(identity);
        this.idempotency = idempotency;
        this.directory = directory;
        this.clock = clock;
    }

    /** The same operations acting for another tenant. */
    EndpointOperations as(String tenant) {
        if (tenant.equals(identity.accountId())) {
            return this;
        }
        return new EndpointOperations(store, new AwsIdentity(identity.region(), tenant), idempotency, directory, clock);
    }

    private String tenant() {
        return identity.accountId();
    }

    private String operation(String name) {
        return tenant() + " " + name;
    }

    @Override
    public ControlReply create(String runtimeId, JsonNode body) {
        EndpointRequest request = EndpointRequest.parse(body, true);
        String name = request.name().orElseThrow();
        return idempotency.once(operation("CreateAgentRuntimeEndpoint " + runtimeId), request.clientToken(), withoutToken(body), tx -> {
            StoredRuntime runtime = runtime(tx, tenant(), runtimeId);
            tx.endpoint(runtimeId, name).ifPresent(e -> {
                throw ApiException.conflict("Endpoint " + name + " already exists on agent runtime " + runtimeId);
            });
            int maxEndpoints = ControlLimits.forTenant(tx, tenant()).endpointsPerAgent();
            if (tx.endpointCount(runtimeId) >= maxEndpoints) {
                throw ApiException.quotaExceeded("Endpoints limit exceeded: " + maxEndpoints + " per agent runtime"
                        + (ControlLimits.own(tx, tenant(), q -> q.maxEndpointsPerAgent())
                                ? " (the tenant's maxEndpointsPerAgent)" : ""));
            }
            int version = request.version().orElse(runtime.latestVersion());
            Instant now = now();
            StoredEndpoint endpoint = tx.insertEndpoint(settle(tx, runtime, new StoredEndpoint(0, runtimeId, name,
                    ResourceIds.of(name), request.description(), OptionalInt.empty(), version, Status.CREATING,
                    Optional.empty(), now, now), now));
            directory.changed();
            var reply = new LinkedHashMap<String, Object>();
            reply.put("targetVersion", Integer.toString(endpoint.targetVersion()));
            reply.put("agentRuntimeEndpointArn", identity.endpointArn(runtimeId, name));
            reply.put("agentRuntimeArn", runtime.arn());
            reply.put("agentRuntimeId", runtimeId);
            reply.put("endpointName", name);
            reply.put("status", endpoint.status());
            reply.put("createdAt", endpoint.createdAt().toString());
            return Write.of(ControlReply.accepted(reply));
        });
    }

    @Override
    public ControlReply get(String runtimeId, String name) {
        return store.transaction(tx -> {
            StoredRuntime runtime = runtime(tx, tenant(), runtimeId);
            return ControlReply.ok(views.endpoint(runtime, endpoint(tx, runtimeId, name)));
        });
    }

    @Override
    public ControlReply update(String runtimeId, String name, JsonNode body) {
        EndpointRequest request = EndpointRequest.parse(body, false);
        refuseDefault(name, "updated: it always serves the latest version");
        return idempotency.once(operation("UpdateAgentRuntimeEndpoint " + runtimeId + " " + name), request.clientToken(),
                withoutToken(body), tx -> {
                    StoredRuntime runtime = runtime(tx, tenant(), runtimeId);
                    StoredEndpoint current = endpoint(tx, runtimeId, name);
                    Instant now = now();
                    StoredEndpoint retargeted = current.targeting(request.version().orElse(current.targetVersion()),
                            request.description().or(current::description), Status.UPDATING, now);
                    StoredEndpoint endpoint = settle(tx, runtime, retargeted, now);
                    tx.updateEndpoint(endpoint);
                    directory.changed();
                    var reply = new LinkedHashMap<String, Object>();
                    reply.put("agentRuntimeEndpointArn", identity.endpointArn(runtimeId, name));
                    reply.put("agentRuntimeArn", runtime.arn());
                    reply.put("status", endpoint.status());
                    reply.put("createdAt", endpoint.createdAt().toString());
                    reply.put("lastUpdatedAt", endpoint.lastUpdatedAt().toString());
                    endpoint.liveVersion().ifPresent(v -> reply.put("liveVersion", Integer.toString(v)));
                    reply.put("targetVersion", Integer.toString(endpoint.targetVersion()));
                    return new Write(ControlReply.accepted(reply), () -> endpoint.liveVersion().ifPresent(live ->
                            directory.tell(l -> l.endpointMoved(runtimeId, name, Integer.toString(live)))));
                });
    }

    @Override
    public ControlReply delete(String runtimeId, String name, Optional<String> clientToken) {
        clientToken.ifPresent(RuntimeOperations::checkClientToken);
        refuseDefault(name, "deleted: it lives as long as its runtime");
        return idempotency.once(operation("DeleteAgentRuntimeEndpoint " + runtimeId + " " + name), clientToken, "", tx -> {
            runtime(tx, tenant(), runtimeId);
            endpoint(tx, runtimeId, name);
            tx.deleteEndpoint(runtimeId, name);
            directory.changed();
            return new Write(ControlReply.accepted(Map.of("status", Status.DELETING, "agentRuntimeId", runtimeId, "endpointName", name)),
                    () -> directory.tell(l -> l.endpointDeleted(runtimeId, name)));
        });
    }

    @Override
    public ControlReply list(String runtimeId, Optional<String> maxResults, Optional<String> nextToken) {
        Page page = Page.of("endpoints", maxResults, nextToken);
        return store.transaction(tx -> {
            StoredRuntime runtime = runtime(tx, tenant(), runtimeId);
            List<StoredEndpoint> endpoints = tx.endpoints(runtimeId, page.after(), page.size() + 1);
            var items = new ArrayList<Map<String, Object>>();
            for (StoredEndpoint endpoint : endpoints.subList(0, Math.min(page.size(), endpoints.size()))) {
                items.add(views.endpoint(runtime, endpoint));
            }
            var body = new LinkedHashMap<String, Object>();
            body.put("runtimeEndpoints", items);
            if (endpoints.size() > page.size()) {
                body.put("nextToken", page.tokenAfter(endpoints.get(page.size() - 1).seq()));
            }
            return ControlReply.ok(body);
        });
    }

    /** Makes the endpoint live on its target when that version is READY, or failed when the version failed. */
    private static StoredEndpoint settle(Transaction tx, StoredRuntime runtime, StoredEndpoint endpoint, Instant now) {
        int target = endpoint.targetVersion();
        StoredVersion version = tx.version(runtime.id(), target).orElseThrow(() -> ApiException.validation(
                "1 validation error detected: agentRuntimeVersion " + target + " does not exist on agent runtime "
                        + runtime.id() + " (expected: 1 to " + runtime.latestVersion() + ")",
                new FieldError("agentRuntimeVersion", "no such version")));
        return switch (version.status()) {
            case Status.READY -> endpoint.live(target, now);
            case Status.CREATE_FAILED, Status.UPDATE_FAILED -> endpoint.failed(
                    Status.failed(endpoint.liveVersion().isPresent()),
                    "version " + target + " failed: " + version.failureReason().orElse("unknown reason"), now);
            default -> endpoint;
        };
    }

    private static StoredEndpoint endpoint(Transaction tx, String runtimeId, String name) {
        return tx.endpoint(runtimeId, name).orElseThrow(() -> ApiException.notFound(
                "Endpoint " + name + " not found on agent runtime " + runtimeId));
    }

    private static void refuseDefault(String name, String why) {
        if (name.equals(DEFAULT_ENDPOINT)) {
            throw ApiException.validation("The DEFAULT endpoint cannot be " + why,
                    new FieldError("endpointName", "DEFAULT is managed by Hearth"));
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    /** A validated CreateAgentRuntimeEndpoint or UpdateAgentRuntimeEndpoint body. */
    private record EndpointRequest(Optional<String> name, OptionalInt versionNumber, Optional<String> description,
            Optional<String> clientToken) {

        Optional<Integer> version() {
            return versionNumber.isPresent() ? Optional.of(versionNumber.getAsInt()) : Optional.empty();
        }

        static EndpointRequest parse(JsonNode body, boolean create) {
            if (!body.isObject()) {
                throw ApiException.cannotParse("request body: expected a JSON object");
            }
            var checks = new FieldChecks();
            Optional<String> name = create
                    ? checks.string(body, "name", "name", true, 1, 48, RuntimeRequest.NAME)
                    : Optional.empty();
            Optional<String> version = checks.string(body, "agentRuntimeVersion", "agentRuntimeVersion", false, 1, 5,
                    RuntimeOperations.VERSION);
            Optional<String> description = checks.string(body, "description", "description", false, 1, 256, null);
            Optional<String> token = checks.string(body, "clientToken", "clientToken", false, 33, 256,
                    RuntimeRequest.CLIENT_TOKEN);
            if (create) {
                checks.map(body, "tags", "tags", 50, 1, 128, 256, TAG);
            }
            checks.throwIfFailed();
            return new EndpointRequest(name, version.map(v -> OptionalInt.of(Integer.parseInt(v))).orElse(OptionalInt.empty()),
                    description, token);
        }
    }
}
