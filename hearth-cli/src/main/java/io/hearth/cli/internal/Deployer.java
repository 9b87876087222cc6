package io.hearth.cli.internal;

import java.io.PrintStream;
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
    private final Progress progress;

    /** Progress as plain lines on {@code out}. */
    public Deployer(HearthClient client, PrintStream out) {
        this(client, Progress.on(out, Progress.Mode.PLAIN, 80));
    }

    public Deployer(HearthClient client, Progress progress) {
        this.client = client;
        this.progress = progress;
    }

    /**
     * Returns the READY runtime as Get answers it. The directory is listed and the entry point looked for before
     * anything is zipped or sent.
     *
     * @throws CodeBundle.BadDirectory when {@code dir} is missing, empty, or lacks the entry point
     */
    public JsonNode deploy(Path dir, String name, String runtime, List<String> entryPoint) {
        var contents = CodeBundle.scan(dir);
        contents.requireEntryPoint(entryPoint);
        progress.say("Packing " + dir + ": " + ProgressBar.count(contents.files().size()) + " files, "
                + ProgressBar.size(contents.totalBytes()) + " ...");
        var zip = pack(contents);
        try {
            String key = name + "/" + Instant.now().toEpochMilli() + ".zip";
            upload(dir, zip, key);
            return createOrUpdate(name, Map.of("codeConfiguration", Map.of(
                    "code", Map.of("s3", Map.of("bucket", BUCKET, "prefix", key)),
                    "runtime", runtime,
                    "entryPoint", entryPoint)), CODE_WAIT);
        } finally {
            CodeBundle.deleteQuietly(zip.file());
        }
    }

    /**
     * Deploys a container image the server pulls itself; the pull's progress shows while the version is CREATING or
     * UPDATING. Returns the READY runtime as Get answers it.
     */
    public JsonNode deployImage(String containerUri, String name) {
        progress.say("Deploying image " + containerUri + " ...");
        return createOrUpdate(name, Map.of("containerConfiguration", Map.of("containerUri", containerUri)), IMAGE_WAIT);
    }

    private CodeBundle.Zip pack(CodeBundle.Contents contents) {
        var zipped = new Zipped(contents.files().size(), contents.totalBytes());
        var bar = progress.bar((done, elapsed, width) -> ProgressBar.packing(zipped.files, zipped.totalFiles, zipped.bytes,
                zipped.totalBytes, width));
        try {
            var zip = CodeBundle.zip(contents, (files, bytes) -> {
                zipped.files = files;
                zipped.bytes = bytes;
                bar.update(zipped.done(), zipped.total());
            });
            bar.finish(zipped.total());
            return zip;
        } catch (RuntimeException e) {
            bar.abandon();
            throw e;
        }
    }

    /** How far packing got; its percent is by bytes, or by files when every file is empty. */
    private static final class Zipped {
        final long totalFiles;
        final long totalBytes;
        long files;
        long bytes;

        Zipped(long totalFiles, long totalBytes) {
            this.totalFiles = totalFiles;
            this.totalBytes = totalBytes;
        }

        long done() {
            return totalBytes > 0 ? bytes : files;
        }

        long total() {
            return totalBytes > 0 ? totalBytes : totalFiles;
        }
    }

    private void upload(Path dir, CodeBundle.Zip zip, String key) {
        long size = zip.size();
        var bar = progress.bar((sent, elapsed, width) -> ProgressBar.upload(sent, size, elapsed, width));
        try {
            client.uploadArtifact(BUCKET, key, zip.file(), zip.sha256(), sent -> bar.update(Math.min(sent, size), size));
        } catch (HearthClient.HearthClientException e) {
            bar.abandon();
            String expected = switch (e.status()) {
                case 0 -> "";
                case 401, 403 -> " (expected: a key this server knows, from HEARTH_ACCESS_KEY_ID and HEARTH_SECRET_ACCESS_KEY"
                        + " or <data-dir>/credentials)";
                case 400, 413 -> " (expected: a zip the server takes: at most its --artifact-max-bytes)";
                default -> " (expected: the server to store the zip; see its log)";
            };
            throw new HearthClient.HearthClientException(e.status() == 0 ? e.getMessage()
                    : "upload of " + dir + " to " + BUCKET + "/" + key + " refused: " + e.getMessage() + expected, e.status());
        } catch (RuntimeException e) {
            bar.abandon();
            throw e;
        }
        bar.finish(size);
    }

    private JsonNode createOrUpdate(String name, Map<String, Object> artifact, Duration wait) {
        var body = new LinkedHashMap<String, Object>();
        body.put("agentRuntimeArtifact", artifact);
        body.put("roleArn", ROLE);
        body.put("networkConfiguration", Map.of("networkMode", "PUBLIC"));
        var existing = client.findRuntimeByName(name);
        JsonNode result;
        if (existing.isPresent()) {
            String id = existing.get().path("agentRuntimeId").asString();
            result = client.updateRuntime(id, body);
            progress.say("Updating %s: version %s ...".formatted(id, result.path("agentRuntimeVersion").asString()));
        } else {
            body.put("agentRuntimeName", name);
            result = client.createRuntime(body);
            progress.say("Creating %s ...".formatted(result.path("agentRuntimeId").asString()));
        }
        return awaitReady(result.path("agentRuntimeId").asString(), result.path("agentRuntimeVersion").asString(), wait);
    }

    private JsonNode awaitReady(String runtimeId, String version, Duration wait) {
        Instant deadline = Instant.now().plus(wait);
        var waiting = progress.startWait();
        String reason = "";
        while (Instant.now().isBefore(deadline)) {
            JsonNode runtime = client.getRuntime(runtimeId);
            String status = runtime.path("status").asString("");
            boolean ours = runtime.path("agentRuntimeVersion").asString("").equals(version);
            if (status.equals("READY") && ours) {
                waiting.finish();
                progress.say("READY: %s (version %s) after %s".formatted(runtime.path("agentRuntimeArn").asString(), version,
                        ProgressBar.clock(waiting.elapsed())));
                return runtime;
            }
            if (status.endsWith("FAILED") && ours) {
                waiting.finish();
                throw new HearthClient.HearthClientException(runtimeId + " " + status + ": "
                        + oneLine(runtime.path("failureReason").asString("")));
            }
            // While a version is CREATING or UPDATING its failureReason holds the pull's progress, if any.
            if ((status.equals("CREATING") || status.equals("UPDATING")) && ours) {
                reason = runtime.path("failureReason").asString("");
                waiting.update(PullProgressLine.of(reason).orElse(""));
            } else {
                waiting.update("");
            }
            sleep(100);
        }
        waiting.finish();
        throw new HearthClient.HearthClientException(runtimeId + " version " + version + " did not become READY within "
                + minutes(wait) + " minutes" + (reason.isBlank() ? "" : " (last: " + oneLine(reason) + ")")
                + " (expected: READY; it may still get there: see ./hearth runtimes " + runtimeId + ")");
    }

    private static String oneLine(String reason) {
        return reason.replaceAll("\\s*\\R\\s*", " ").strip();
    }

    private static long minutes(Duration wait) {
        return wait.toMinutes();
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
