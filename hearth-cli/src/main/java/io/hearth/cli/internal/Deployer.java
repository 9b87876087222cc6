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
 * Deploys a code directory (zip it, upload it to Hearth's artifact store) or a container image (the server pulls
 * it), then creates the runtime (or updates it, making a new version) through the control-plane API, and waits until
 * it is READY.
 */
public final class Deployer {
    public static final String BUCKET = "hearth-deploy";
    private static final String ROLE = "arn:aws:iam::000000000000:role/hearth-agent";

    private static final Duration CODE_WAIT = Duration.ofMinutes(5);
    /** A large image takes a while to pull and unpack; the progress line shows it is under way. */
    private static final Duration IMAGE_WAIT = Duration.ofMinutes(30);

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
            return createOrUpdate(name, Map.of("codeConfiguration", Map.of(
                    "code", Map.of("s3", Map.of("bucket", BUCKET, "prefix", key)),
                    "runtime", runtime,
                    "entryPoint", entryPoint)), CODE_WAIT);
        } finally {
            try {
                Files.deleteIfExists(zip);
            } catch (java.io.IOException ignored) {
                // a temp file; the OS cleans it eventually
            }
        }
    }

    /**
     * Deploys a container image the server pulls itself; the pull's progress goes to {@code progress} while the
     * version is CREATING or UPDATING. Returns the READY runtime as Get answers it.
     */
    public JsonNode deployImage(String containerUri, String name, PullProgressLine progress) {
        out.printf("Deploying image %s ...%n", containerUri);
        try {
            return createOrUpdate(name, Map.of("containerConfiguration", Map.of("containerUri", containerUri)), IMAGE_WAIT,
                    progress);
        } finally {
            progress.finish();
        }
    }

    private JsonNode createOrUpdate(String name, Map<String, Object> artifact, Duration wait) {
        return createOrUpdate(name, artifact, wait, PullProgressLine.silent());
    }

    private JsonNode createOrUpdate(String name, Map<String, Object> artifact, Duration wait, PullProgressLine progress) {
        var body = new LinkedHashMap<String, Object>();
        body.put("agentRuntimeArtifact", artifact);
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
        return awaitReady(result.path("agentRuntimeId").asString(), result.path("agentRuntimeVersion").asString(), wait,
                progress);
    }

    private JsonNode awaitReady(String runtimeId, String version, Duration wait, PullProgressLine progress) {
        Instant deadline = Instant.now().plus(wait);
        while (Instant.now().isBefore(deadline)) {
            JsonNode runtime = client.getRuntime(runtimeId);
            String status = runtime.path("status").asString("");
            boolean ours = runtime.path("agentRuntimeVersion").asString("").equals(version);
            if (status.equals("READY") && ours) {
                progress.finish();
                out.printf("READY: %s (version %s)%n", runtime.path("agentRuntimeArn").asString(), version);
                return runtime;
            }
            if (status.endsWith("FAILED")) {
                progress.finish();
                throw new HearthClient.HearthClientException(runtimeId + " " + status + ": "
                        + oneLine(runtime.path("failureReason").asString("")));
            }
            // While a version is CREATING or UPDATING its failureReason holds the pull's progress, if any.
            if ((status.equals("CREATING") || status.equals("UPDATING")) && ours) {
                progress.show(runtime.path("failureReason").asString(""));
            }
            sleep(100);
        }
        progress.finish();
        throw new HearthClient.HearthClientException(runtimeId + " did not become READY within " + minutes(wait)
                + " minutes (expected: READY; it may still get there: see GetAgentRuntime)");
    }

    private static String oneLine(String reason) {
        return reason.replaceAll("\\s*\\R\\s*", " ").strip();
    }

    private static long minutes(Duration wait) {
        return wait.toMinutes();
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
