package io.hearth.bench.internal;

import io.hearth.bench.Row;
import io.hearth.bench.Section;
import io.hearth.bench.Target;
import io.hearth.bench.Unit;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Container images against code zips, on a server of their own (images need an isolating driver: namespaces, else
 * gVisor) pulling from a Debian {@code docker-registry} the bench starts on loopback, with an image of the bench's
 * Python agent it builds from the host's interpreter and pushes there.
 * <ul>
 *   <li>cold start: new session → first byte of the image runtime against the same agent deployed as a code zip,
 *       samples alternating;</li>
 *   <li>pull: CreateAgentRuntime → READY for an image nothing has pulled yet (every layer new: a nonce in each)
 *       against a second runtime of the same image, whose layers and root filesystem Hearth has stored; and that
 *       second one against the same agent as a code zip.</li>
 * </ul>
 */
public final class ImageMeasurement implements Measurement {
    private static final List<String> DRIVERS = List.of("namespaces", "gvisor");
    private static final String REPOSITORY = "bench/idle-agent";
    private static final int FULL_PULL_SAMPLES = 5;

    @Override
    public Section section() {
        return Section.IMAGES;
    }

    @Override
    public SectionResult run(BenchContext context) throws IOException {
        String section = Section.IMAGES.title();
        String cold = "new session → first byte, image";
        String fresh = "CreateAgentRuntime → READY, first pull";
        String cached = "CreateAgentRuntime → READY, image stored";
        Target coldTarget = new Target.AtMostPlus(50, "code zip");
        Optional<String> missing = LocalRegistry.unavailable().or(PythonAgentImage::unavailable);
        if (missing.isPresent()) {
            context.progress().say("container images skipped: %s", missing.get());
            return skipped(section, cold, fresh, cached, coldTarget, missing.get());
        }
        var notes = new ArrayList<String>();
        String driver = null;
        for (String candidate : DRIVERS) {
            Optional<String> unavailable = DriverProbe.unavailable(candidate, context.workDir().resolve("probe-image-" + candidate));
            if (unavailable.isEmpty()) {
                driver = candidate;
                break;
            }
            notes.add(candidate + " cannot run here: " + firstLine(unavailable.get()));
        }
        if (driver == null) {
            String why = "no isolating driver (images need one): " + String.join("; ", notes);
            context.progress().say("container images skipped: %s", why);
            return skipped(section, cold, fresh, cached, coldTarget, why);
        }
        String fallback = notes.isEmpty() ? "" : notes.getFirst() + ", so " + driver;

        context.progress().say("container images: building the Python agent image, starting docker-registry");
        var image = PythonAgentImage.of(context.artifacts().pythonAgent().resolve(AgentArtifacts.PYTHON_ENTRY));
        try (var registry = LocalRegistry.start(context.workDir().resolve("registry"));
                var pusher = new ImagePusher(registry.host());
                var node = HearthNode.start(driver, context.workDir().resolve("hearth-images"), context.http(),
                        Optional.of(registry.host()))) {
            var rows = new ArrayList<Row>();
            var details = new LinkedHashMap<String, Object>();
            details.put("driver", driver);
            context.progress().say("container images: docker-registry on %s, Hearth (%s) up", registry.host(), driver);

            int pulls = context.config().smoke() ? 1 : Math.min(FULL_PULL_SAMPLES, context.config().coldStartSamples());
            var freshMillis = new ArrayList<Double>();
            var cachedMillis = new ArrayList<Double>();
            var zipMillis = new ArrayList<Double>();
            long imageBytes = 0;
            String kept = null;
            DeployedRuntime keptRuntime = null;
            for (int i = 0; i < pulls; i++) {
                List<byte[]> layers = image.layers("bench-" + System.nanoTime());
                imageBytes = layers.stream().mapToLong(l -> l.length).sum();
                String tag = "pull-" + i;
                pusher.push(REPOSITORY, tag, PythonAgentImage.architecture(), image.config(), layers);
                context.progress().say("container images: pushed %s:%s", REPOSITORY, tag);
                String uri = registry.host() + "/" + REPOSITORY + ":" + tag;
                long started = System.nanoTime();
                DeployedRuntime first = node.deployImage("image_fresh", uri);
                freshMillis.add((System.nanoTime() - started) / 1e6);
                started = System.nanoTime();
                DeployedRuntime second = node.deployImage("image_stored", uri);
                cachedMillis.add((System.nanoTime() - started) / 1e6);
                node.delete(second);
                started = System.nanoTime();
                DeployedRuntime zip = node.deploy("image_zip", context.artifacts().pythonAgent(), "PYTHON_3_12",
                        List.of(AgentArtifacts.PYTHON_ENTRY), Map.of());
                zipMillis.add((System.nanoTime() - started) / 1e6);
                node.delete(zip);
                if (kept == null) {
                    kept = uri;
                    keptRuntime = first;
                } else {
                    node.delete(first);
                }
            }
            double freshP50 = Samples.quantile(freshMillis, 0.5);
            double cachedP50 = Samples.quantile(cachedMillis, 0.5);
            double zipP50 = Samples.quantile(zipMillis, 0.5);
            context.progress().say("image pull: first %.0f ms, stored %.0f ms (%s MiB compressed)", freshP50, cachedP50,
                    mebibytes(imageBytes));
            String pullNote = Notes.join(String.format("median of %d; %s MiB in 2 gzip layers from docker-registry on loopback",
                    pulls, mebibytes(imageBytes)), fallback);
            rows.add(Row.measured(section, fresh + " (" + driver + ")", Unit.MILLISECONDS, "image stored", cachedP50,
                    freshP50, new Target.None(), pullNote));
            rows.add(Row.measured(section, cached + " (" + driver + ")", Unit.MILLISECONDS, "code zip", zipP50,
                    cachedP50, new Target.None(), Notes.join(String.format("median of %d; the same image again: its tag "
                            + "resolved, nothing downloaded or unpacked; code zip: the same agent, staged", pulls), fallback)));
            details.put("pull", Map.of("freshMillis", freshMillis, "storedMillis", cachedMillis, "codeZipMillis", zipMillis,
                    "compressedBytes", imageBytes));

            DeployedRuntime code = node.deploy("image_code", context.artifacts().pythonAgent(), "PYTHON_3_12",
                    List.of(AgentArtifacts.PYTHON_ENTRY), Map.of());
            try {
                var codeMillis = new ArrayList<Double>();
                var imageMillis = new ArrayList<Double>();
                int samples = context.config().coldStartSamples();
                // A full run drops its first pair, which warms the page cache; a smoke run only checks the path.
                int dropped = context.config().smoke() ? 0 : 1;
                for (int i = 0; i < samples + dropped; i++) {
                    double c = sessionStart(node, code);
                    double m = sessionStart(node, keptRuntime);
                    if (i >= dropped) {
                        codeMillis.add(c);
                        imageMillis.add(m);
                    }
                }
                double codeP50 = Samples.quantile(codeMillis, 0.5);
                double imageP50 = Samples.quantile(imageMillis, 0.5);
                context.progress().say("image cold start %s: code zip p50 %.1f ms, image p50 %.1f ms", driver, codeP50, imageP50);
                rows.add(0, Row.measured(section, cold + " (" + driver + ")", Unit.MILLISECONDS, "code zip", codeP50, imageP50,
                        coldTarget, Notes.join(String.format("median of %d; p90 code zip %.1f ms, image %.1f ms; the same "
                                + "Python agent", codeMillis.size(), Samples.quantile(codeMillis, 0.9),
                                Samples.quantile(imageMillis, 0.9)), fallback)));
                details.put("coldStart", Map.of("codeMillis", codeMillis, "imageMillis", imageMillis));
            } finally {
                node.delete(code);
                node.delete(keptRuntime);
            }
            return new SectionResult(rows, details);
        }
    }

    private static double sessionStart(HearthNode node, DeployedRuntime runtime) throws IOException {
        String session = HearthNode.newSessionId();
        long started = System.nanoTime();
        long firstByte = Readiness.hearthFirstByte(node.address(), HearthNode.invocationPath(runtime),
                HearthNode.SESSION_HEADER, session);
        node.stopSession(runtime, session);
        return (firstByte - started) / 1e6;
    }

    private static SectionResult skipped(String section, String cold, String fresh, String cached, Target coldTarget,
            String why) {
        return new SectionResult(List.of(
                Row.skipped(section, cold, Unit.MILLISECONDS, "code zip", coldTarget, why),
                Row.skipped(section, fresh, Unit.MILLISECONDS, "image stored", new Target.None(), why),
                Row.skipped(section, cached, Unit.MILLISECONDS, "code zip", new Target.None(), why)),
                Map.of("skipped", why));
    }

    private static String mebibytes(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f", bytes / 1_048_576.0);
    }

    private static String firstLine(String text) {
        String line = text.lines().findFirst().orElse(text);
        return line.length() > 160 ? line.substring(0, 157) + "..." : line;
    }
}
