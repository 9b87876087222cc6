package io.hearth.cli.internal;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Deploys a code directory: zip it, upload it to Hearth's artifact store, then create the runtime (or update it,
 * making a new version) through the control-plane API, and wait until it is READY.
 */
public final class Deployer {
    public static final String BUCKET = "hearth-deploy";
    private static final String ROLE = "arn:aws:iam::000000000000:role/hearth-agent";

    private final HearthClient client;
    private final PrintStream out;

    public Deployer(HearthClient client, PrintStream out) {
        this.client = client;
        this.out = out;
    }

    /** Returns the READY runtime as Get answers it. */
    public JsonNode deploy(Path dir, String name, String runtime, List<String> entryPoint) {
        out.printf("Packing %s ...%n", dir);
        Path zip = CodeBundle.zip(dir);
        try {
            String key = name + "/" + Instant.now().toEpochMilli() + ".zip";
            out.printf("Uploading %d KiB to %s/%s ...%n", sizeKiB(zip), BUCKET, key);
            client.uploadArtifact(BUCKET, key, zip);
            var body = new LinkedHashMap<String, Object>();
            body.put("agentRuntimeArtifact", Map.of("codeConfiguration", Map.of(
                    "code", Map.of("s3", Map.of("bucket", BUCKET, "prefix", key)),
                    "runtime", runtime,
                    "entryPoint", entryPoint)));
            body.put("roleArn", ROLE);
            body.put("networkConfiguration", Map.of("networkMode", "PUBLIC"));
            var existing = client.findRuntimeByName(name);
            JsonNode result;
            if (existing.isPresent()) {
                String id = existing.get().path("agentRuntimeId").asString();
                result = client.updateRuntime(id, body);
                out.printf("Updating %s: version %s ...%n", id, result.path("agentRuntimeVersion").asString());
            } else {
                body.put("agentRuntimeName", name);
                result = client.createRuntime(body);
                out.printf("Creating %s ...%n", result.path("agentRuntimeId").asString());
            }
            return awaitReady(result.path("agentRuntimeId").asString(), result.path("agentRuntimeVersion").asString());
        } finally {
            try {
                Files.deleteIfExists(zip);
            } catch (java.io.IOException ignored) {
                // a temp file; the OS cleans it eventually
            }
        }
    }

    private JsonNode awaitReady(String runtimeId, String version) {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
        while (Instant.now().isBefore(deadline)) {
            JsonNode runtime = client.getRuntime(runtimeId);
            String status = runtime.path("status").asString("");
            if (status.equals("READY") && runtime.path("agentRuntimeVersion").asString("").equals(version)) {
                out.printf("READY: %s (version %s)%n", runtime.path("agentRuntimeArn").asString(), version);
                return runtime;
            }
            if (status.endsWith("FAILED")) {
                throw new HearthClient.HearthClientException(runtimeId + " " + status + ": " + runtime.path("failureReason").asString(""));
            }
            sleep(100);
        }
        throw new HearthClient.HearthClientException(runtimeId + " did not become READY within 5 minutes");
    }

    private static long sizeKiB(Path zip) {
        try {
            return Math.max(1, Files.size(zip) / 1024);
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HearthClient.HearthClientException("interrupted");
        }
    }
}
