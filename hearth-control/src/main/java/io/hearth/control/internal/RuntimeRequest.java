package io.hearth.control.internal;

import static java.util.Objects.requireNonNull;

import io.hearth.api.ApiException;
import io.hearth.api.Json;
import io.hearth.auth.JwtAuthorizerConfig;
import io.hearth.deployment.HearthTags;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A validated CreateAgentRuntime or UpdateAgentRuntime body (docs/wire-contract.md §3). {@code config} is the version's
 * configuration exactly as GetAgentRuntime will return it, with defaults filled in.
 */
record RuntimeRequest(
        Optional<String> name,
        ObjectNode config,
        RuntimeArtifact artifact,
        Lifecycle lifecycle,
        Map<String, String> tags,
        Optional<String> clientToken) {

    static final Pattern NAME = Pattern.compile("[a-zA-Z][a-zA-Z0-9_]{0,47}");
    static final Pattern CLIENT_TOKEN = Pattern.compile("[a-zA-Z0-9](-*[a-zA-Z0-9]){0,256}");
    private static final Pattern ROLE_ARN = Pattern.compile("arn:aws(-[^:]+)?:iam::([0-9]{12})?:role/.+");
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern HEADER = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,255}");
    private static final Pattern TAG = Pattern.compile("[a-zA-Z0-9\\s._:/=+@-]*");
    private static final Pattern DISCOVERY_URL = Pattern.compile(".+/\\.well-known/openid-configuration");
    private static final Pattern SCOPE = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]+");
    private static final List<String> RUNTIMES =
            List.of("PYTHON_3_10", "PYTHON_3_11", "PYTHON_3_12", "PYTHON_3_13", "PYTHON_3_14", "NODE_22");
    private static final List<String> PROTOCOLS = List.of("HTTP", "MCP", "A2A", "AGUI");
    private static final List<String> UNSUPPORTED = List.of("capacityProviderConfiguration");

    RuntimeRequest {
        requireNonNull(name, "name");
        requireNonNull(config, "config");
        requireNonNull(artifact, "artifact");
        requireNonNull(lifecycle, "lifecycle");
        requireNonNull(clientToken, "clientToken");
        tags = Map.copyOf(tags);
    }

    /**
     * Validates a body.
     *
     * @param create    Create requires {@code agentRuntimeName} and accepts {@code tags}; Update has neither
     * @param lifecycle the range an operator allows for both lifecycle values (AgentCore: 60 s to 28,800 s)
     */
    static RuntimeRequest parse(JsonNode body, boolean create, Duration floor, Duration cap) {
        if (!body.isObject()) {
            throw ApiException.cannotParse("request body: expected a JSON object");
        }
        var checks = new FieldChecks();
        Optional<String> name = create
                ? checks.string(body, "agentRuntimeName", "agentRuntimeName", true, 1, 48, NAME)
                : Optional.empty();
        ObjectNode config = Json.mapper().createObjectNode();

        checks.string(body, "description", "description", false, 1, 4096, null).ifPresent(d -> config.put("description", d));
        checks.string(body, "roleArn", "roleArn", true, 1, 2048, ROLE_ARN).ifPresent(r -> config.put("roleArn", r));
        Optional<RuntimeArtifact> artifact = artifact(body, checks);
        artifact.ifPresent(a -> config.set("agentRuntimeArtifact", artifactNode(a)));
        config.set("networkConfiguration", network(body, checks));
        checks.object(body, "protocolConfiguration", "protocolConfiguration", false).ifPresent(protocol ->
                checks.string(protocol, "serverProtocol", "protocolConfiguration.serverProtocol", true, 1, 16, null)
                        .ifPresent(p -> {
                            if (PROTOCOLS.contains(p)) {
                                config.putObject("protocolConfiguration").put("serverProtocol", p);
                            } else {
                                checks.fail("protocolConfiguration.serverProtocol", p, "Member must be one of " + PROTOCOLS);
                            }
                        }));
        Lifecycle lifecycle = lifecycle(body, checks, floor, cap);
        config.putObject("lifecycleConfiguration")
                .put("idleRuntimeSessionTimeout", lifecycle.idleSeconds())
                .put("maxLifetime", lifecycle.maxSeconds());
        checks.environment(body, "environmentVariables", "environmentVariables", 50, 100, 5000)
                .ifPresent(env -> config.set("environmentVariables", Json.mapper().valueToTree(env)));
        authorizer(body, checks).ifPresent(a -> config.set("authorizerConfiguration", a));
        checks.object(body, "requestHeaderConfiguration", "requestHeaderConfiguration", false).ifPresent(headers ->
                checks.strings(headers, "requestHeaderAllowlist", "requestHeaderConfiguration.requestHeaderAllowlist",
                                true, 1, 20, 1, 256, HEADER)
                        .ifPresent(list -> config.putObject("requestHeaderConfiguration")
                                .set("requestHeaderAllowlist", Json.mapper().valueToTree(list))));
        checks.object(body, "metadataConfiguration", "metadataConfiguration", false).ifPresent(metadata -> {
            JsonNode v2 = metadata.get("requireMMDSV2");
            if (v2 == null || v2.isNull()) {
                checks.fail("metadataConfiguration.requireMMDSV2",
                        "Member 'metadataConfiguration.requireMMDSV2' is required (expected: true or false)");
            } else if (!v2.isBoolean()) {
                checks.fail("metadataConfiguration.requireMMDSV2", v2, "Member must be a boolean");
            } else {
                config.putObject("metadataConfiguration").put("requireMMDSV2", v2.booleanValue());
            }
        });
        FilesystemConfigurations.parse(body, config, checks);
        Map<String, String> tags = create
                ? checks.map(body, "tags", "tags", 50, 1, 128, 256, TAG).orElse(Map.of())
                : Map.of();
        try {
            HearthTags.parse(tags);
        } catch (IllegalArgumentException e) {
            checks.fail("tags", e.getMessage());
        }
        Optional<String> clientToken = checks.string(body, "clientToken", "clientToken", false, 33, 256, CLIENT_TOKEN);
        for (String member : UNSUPPORTED) {
            if (body.has(member) && !body.get(member).isNull()) {
                checks.fail(member, member + " is not supported by Hearth yet (expected: leave it out)");
            }
        }
        checks.throwIfFailed();
        return new RuntimeRequest(name, config, artifact.orElseThrow(), lifecycle, tags, clientToken);
    }

    private static Optional<RuntimeArtifact> artifact(JsonNode body, FieldChecks checks) {
        Optional<JsonNode> artifact = checks.object(body, "agentRuntimeArtifact", "agentRuntimeArtifact", true);
        if (artifact.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> kind = checks.unionMember(artifact.get(), "agentRuntimeArtifact",
                List.of("containerConfiguration", "codeConfiguration"));
        if (kind.isEmpty()) {
            return Optional.empty();
        }
        if (kind.get().equals("containerConfiguration")) {
            return container(artifact.get(), checks);
        }
        String path = "agentRuntimeArtifact.codeConfiguration";
        JsonNode code = checks.object(artifact.get(), "codeConfiguration", path, true).orElseThrow();
        Optional<JsonNode> s3 = checks.object(code, "code", path + ".code", true)
                .flatMap(c -> checks.unionMember(c, path + ".code", List.of("s3"))
                        .flatMap(m -> checks.object(c, "s3", path + ".code.s3", true)));
        Optional<String> bucket = s3.flatMap(s -> checks.string(s, "bucket", path + ".code.s3.bucket", true, 3, 63, BUCKET));
        Optional<String> prefix = s3.flatMap(s -> checks.string(s, "prefix", path + ".code.s3.prefix", true, 1, 1024, null));
        prefix.filter(p -> p.startsWith("/") || List.of(p.split("/")).contains(".."))
                .ifPresent(p -> checks.fail(path + ".code.s3.prefix", p, "Member must be a key inside the bucket "
                        + "(no leading '/', no '..' segments)"));
        Optional<String> versionId = s3.flatMap(s -> checks.string(s, "versionId", path + ".code.s3.versionId", false, 3, 1024, null));
        Optional<String> runtime = checks.string(code, "runtime", path + ".runtime", true, 1, 32, null);
        runtime.filter(r -> !RUNTIMES.contains(r))
                .ifPresent(r -> checks.fail(path + ".runtime", r, "Member must be one of " + RUNTIMES));
        Optional<List<String>> entryPoint = checks.strings(code, "entryPoint", path + ".entryPoint", true, 1, 2, 1, 128, null);
        entryPoint.ifPresent(items -> items.forEach(item -> EntryPoints.refusal(item)
                .ifPresent(why -> checks.fail(EntryPoints.FIELD, item, why))));
        // A version names one object; a prefix ending in '/' is a directory of many.
        versionId.filter(v -> prefix.filter(p -> p.endsWith("/")).isPresent())
                .ifPresent(v -> checks.fail(path + ".code.s3.versionId", v, "Member applies to one object (a .zip); "
                        + "the prefix " + prefix.get() + " names a directory (expected: no versionId, or the key of a .zip)"));
        if (!checks.ok() || bucket.isEmpty() || prefix.isEmpty() || runtime.isEmpty() || entryPoint.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new CodeArtifact(bucket.get(), prefix.get(), versionId, runtime.get(), entryPoint.get()));
    }

    private static Optional<RuntimeArtifact> container(JsonNode artifact, FieldChecks checks) {
        String path = "agentRuntimeArtifact.containerConfiguration";
        Optional<String> uri = checks.object(artifact, "containerConfiguration", path, true)
                .flatMap(c -> checks.string(c, "containerUri", ContainerArtifact.FIELD, true, 1,
                        ContainerArtifact.MAX_LENGTH, null));
        if (uri.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ContainerArtifact(uri.get()));
        } catch (IllegalArgumentException e) {
            checks.fail(ContainerArtifact.FIELD, uri.get(), "Member must be a container image URI "
                    + ContainerArtifact.EXPECTED);
            return Optional.empty();
        }
    }

    private static ObjectNode artifactNode(RuntimeArtifact artifact) {
        return switch (artifact) {
            case ContainerArtifact container -> {
                ObjectNode node = Json.mapper().createObjectNode();
                node.putObject("containerConfiguration").put("containerUri", container.containerUri());
                yield node;
            }
            case CodeArtifact code -> codeNode(code);
        };
    }

    private static ObjectNode codeNode(CodeArtifact a) {
        ObjectNode node = Json.mapper().createObjectNode();
        ObjectNode code = node.putObject("codeConfiguration");
        ObjectNode s3 = code.putObject("code").putObject("s3");
        s3.put("bucket", a.bucket()).put("prefix", a.prefix());
        a.versionId().ifPresent(v -> s3.put("versionId", v));
        code.put("runtime", a.runtime());
        code.set("entryPoint", Json.mapper().valueToTree(a.entryPoint()));
        return node;
    }

    private static ObjectNode network(JsonNode body, FieldChecks checks) {
        ObjectNode network = Json.mapper().createObjectNode().put("networkMode", "PUBLIC");
        checks.object(body, "networkConfiguration", "networkConfiguration", false).ifPresent(given ->
                checks.string(given, "networkMode", "networkConfiguration.networkMode", true, 1, 16, null).ifPresent(mode -> {
                    if (mode.equals("VPC")) {
                        checks.fail("networkConfiguration.networkMode", mode, "VPC networking is not available in Hearth "
                                + "(expected: PUBLIC; the tag hearth:network=NONE cuts all egress)");
                    } else if (!mode.equals("PUBLIC")) {
                        checks.fail("networkConfiguration.networkMode", mode, "Member must be one of [PUBLIC, VPC]");
                    }
                }));
        return network;
    }

    private static Lifecycle lifecycle(JsonNode body, FieldChecks checks, Duration floor, Duration cap) {
        long min = floor.toSeconds();
        long max = cap.toSeconds();
        Optional<JsonNode> given = checks.object(body, "lifecycleConfiguration", "lifecycleConfiguration", false);
        Optional<Long> idle = given.flatMap(g -> checks.integer(g, "idleRuntimeSessionTimeout",
                "lifecycleConfiguration.idleRuntimeSessionTimeout", min, max));
        Optional<Long> maxLifetime = given.flatMap(g -> checks.integer(g, "maxLifetime",
                "lifecycleConfiguration.maxLifetime", min, max));
        Lifecycle lifecycle = Lifecycle.of(idle, maxLifetime);
        if (idle.isPresent() && lifecycle.idleSeconds() > lifecycle.maxSeconds()) {
            checks.fail("lifecycleConfiguration.idleRuntimeSessionTimeout", lifecycle.idleSeconds(),
                    "Member must be less than or equal to maxLifetime (" + lifecycle.maxSeconds() + ")");
        }
        return lifecycle;
    }

    private static Optional<JsonNode> authorizer(JsonNode body, FieldChecks checks) {
        Optional<JsonNode> given = checks.object(body, "authorizerConfiguration", "authorizerConfiguration", false);
        if (given.isEmpty()) {
            return Optional.empty();
        }
        String path = "authorizerConfiguration.customJWTAuthorizer";
        Optional<JsonNode> jwt = checks.unionMember(given.get(), "authorizerConfiguration", List.of("customJWTAuthorizer"))
                .flatMap(m -> checks.object(given.get(), "customJWTAuthorizer", path, true));
        jwt.ifPresent(j -> {
            checks.string(j, "discoveryUrl", path + ".discoveryUrl", true, 1, 2048, DISCOVERY_URL);
            checks.strings(j, "allowedAudience", path + ".allowedAudience", false, 1, 255, 1, 255, null);
            checks.strings(j, "allowedClients", path + ".allowedClients", false, 1, 255, 1, 255, null);
            checks.strings(j, "allowedScopes", path + ".allowedScopes", false, 1, 255, 1, 255, SCOPE);
            if (checks.ok()) {
                // The whole authorizer, custom claims included, as the data plane will read it: a rule that could
                // never match is refused here, not at the first call.
                try {
                    JwtAuthorizerConfig.fromJson(j);
                } catch (ApiException e) {
                    checks.fail(path, e.getMessage());
                }
            }
        });
        return given;
    }
}
