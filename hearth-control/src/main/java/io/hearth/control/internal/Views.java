package io.hearth.control.internal;

import io.hearth.api.AwsIdentity;
import io.hearth.api.Json;
import io.hearth.store.StoredEndpoint;
import io.hearth.store.StoredRuntime;
import io.hearth.store.StoredVersion;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** The response shapes of docs/wire-contract.md §3, built from stored rows. Timestamps are ISO-8601 strings (docs/wire-contract.md §1.4). */
final class Views {
    private final AwsIdentity identity;

    Views(AwsIdentity identity) {
        this.identity = identity;
    }

    static JsonNode config(StoredVersion version) {
        return Json.tree(version.config().getBytes(StandardCharsets.UTF_8));
    }

    Map<String, Object> workload(StoredRuntime runtime) {
        return Map.of("workloadIdentityArn", identity.workloadIdentityArn(runtime.name()));
    }

    /** GetAgentRuntime: the runtime's identity plus one version's whole configuration. */
    Map<String, Object> runtime(StoredRuntime runtime, StoredVersion version, boolean versionAsked) {
        var body = new LinkedHashMap<String, Object>();
        body.put("agentRuntimeArn", runtime.arn());
        body.put("agentRuntimeName", runtime.name());
        body.put("agentRuntimeId", runtime.id());
        body.put("agentRuntimeVersion", Integer.toString(version.version()));
        body.put("createdAt", runtime.createdAt().toString());
        body.put("lastUpdatedAt", (versionAsked ? version.createdAt() : runtime.lastUpdatedAt()).toString());
        body.put("status", versionAsked ? version.status() : runtime.status());
        (versionAsked ? version.failureReason() : runtime.failureReason()).ifPresent(f -> body.put("failureReason", f));
        body.put("workloadIdentityDetails", workload(runtime));
        for (Map.Entry<String, JsonNode> member : config(version).properties()) {
            body.put(member.getKey(), member.getValue());
        }
        return body;
    }

    /** One item of ListAgentRuntimes (the latest version) or ListAgentRuntimeVersions (each version). */
    Map<String, Object> summary(StoredRuntime runtime, StoredVersion version, boolean ofVersion) {
        var body = new LinkedHashMap<String, Object>();
        body.put("agentRuntimeArn", runtime.arn());
        body.put("agentRuntimeId", runtime.id());
        body.put("agentRuntimeVersion", Integer.toString(version.version()));
        body.put("agentRuntimeName", runtime.name());
        JsonNode description = config(version).path("description");
        if (description.isString()) {
            body.put("description", description.stringValue());
        }
        body.put("lastUpdatedAt", (ofVersion ? version.createdAt() : runtime.lastUpdatedAt()).toString());
        body.put("status", ofVersion ? version.status() : runtime.status());
        return body;
    }

    /** GetAgentRuntimeEndpoint, and each item of ListAgentRuntimeEndpoints. */
    Map<String, Object> endpoint(StoredRuntime runtime, StoredEndpoint endpoint) {
        var body = new LinkedHashMap<String, Object>();
        body.put("name", endpoint.name());
        body.put("id", endpoint.id());
        body.put("agentRuntimeEndpointArn", identity.endpointArn(runtime.id(), endpoint.name()));
        body.put("agentRuntimeArn", runtime.arn());
        endpoint.liveVersion().ifPresent(v -> body.put("liveVersion", Integer.toString(v)));
        body.put("targetVersion", Integer.toString(endpoint.targetVersion()));
        endpoint.description().ifPresent(d -> body.put("description", d));
        body.put("status", endpoint.status());
        endpoint.failureReason().ifPresent(f -> body.put("failureReason", f));
        body.put("createdAt", endpoint.createdAt().toString());
        body.put("lastUpdatedAt", endpoint.lastUpdatedAt().toString());
        return body;
    }

    /** CreateAgentRuntime and UpdateAgentRuntime answers. */
    Map<String, Object> written(StoredRuntime runtime, boolean update) {
        var body = new LinkedHashMap<String, Object>();
        body.put("agentRuntimeArn", runtime.arn());
        body.put("agentRuntimeId", runtime.id());
        body.put("agentRuntimeVersion", Integer.toString(runtime.latestVersion()));
        body.put("createdAt", runtime.createdAt().toString());
        if (update) {
            body.put("lastUpdatedAt", runtime.lastUpdatedAt().toString());
        }
        body.put("status", runtime.status());
        body.put("workloadIdentityDetails", workload(runtime));
        return body;
    }
}
