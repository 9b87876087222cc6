package io.hearth.control.internal;

import io.hearth.control.ControlReply;
import io.hearth.api.AwsIdentity;
import io.hearth.api.Json;
import io.hearth.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.Executor;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A real control plane on a real SQLite store in a temporary data dir, with one staged artifact whose
 * {@code hearth.json} names {@code /bin/sh}: versions resolve without any interpreter. Operations are called
 * directly, as the HTTP handler would call them.
 */
final class ControlPlaneRig implements AutoCloseable {
    static final String BUCKET = "test-artifacts";
    static final String PREFIX = "agent";

    final Path dataDir;
    final Store store;
    final ControlPlaneAssembly parts;

    /** @param background runs version resolution and artifact clean-up: the test decides when */
    ControlPlaneRig(Executor background) {
        try {
            dataDir = Files.createTempDirectory("hearth-control-");
            Path code = dataDir.resolve("artifacts").resolve(BUCKET).resolve(PREFIX);
            Files.createDirectories(code);
            Files.writeString(code.resolve("hearth.json"), "{\"command\": [\"/bin/sh\", \"-c\", \"exit 0\"]}");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        store = Store.open(dataDir);
        parts = new ControlPlaneAssembly(store, AwsIdentity.DEFAULT, dataDir, Duration.ofSeconds(60),
                Duration.ofSeconds(28_800), background, Clock.systemUTC());
    }

    RuntimeOperations runtimes() {
        return parts.runtimes();
    }

    EndpointOperations endpoints() {
        return parts.endpoints();
    }

    DeploymentDirectory directory() {
        return parts.deploymentDirectory();
    }

    /** A valid CreateAgentRuntime body ({@code name} set) or UpdateAgentRuntime body ({@code name} null). */
    static ObjectNode runtimeBody(String name, String stage) {
        ObjectNode body = Json.mapper().createObjectNode();
        if (name != null) {
            body.put("agentRuntimeName", name);
        }
        body.put("roleArn", "arn:aws:iam::000000000000:role/test");
        ObjectNode code = body.putObject("agentRuntimeArtifact").putObject("codeConfiguration");
        code.putObject("code").putObject("s3").put("bucket", BUCKET).put("prefix", PREFIX);
        code.put("runtime", "PYTHON_3_12");
        code.putArray("entryPoint").add("hearth.json");
        body.putObject("networkConfiguration").put("networkMode", "PUBLIC");
        body.putObject("environmentVariables").put("STAGE", stage);
        return body;
    }

    static ObjectNode endpointBody(String name, int version) {
        ObjectNode body = Json.mapper().createObjectNode();
        if (name != null) {
            body.put("name", name);
        }
        body.put("agentRuntimeVersion", Integer.toString(version));
        return body;
    }

    static JsonNode json(ControlReply reply) {
        return Json.mapper().valueToTree(reply.body());
    }

    /** Creates a runtime and returns its id. */
    String create(String name, String stage) {
        return json(runtimes().create(runtimeBody(name, stage))).path("agentRuntimeId").stringValue();
    }

    String runtimeStatus(String runtimeId) {
        return json(runtimes().get(runtimeId, java.util.Optional.empty())).path("status").stringValue();
    }

    @Override
    public void close() {
        store.close();
        try (Stream<Path> paths = Files.walk(dataDir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
