package io.hearth.bench.internal;

import io.hearth.bench.Row;
import io.hearth.bench.Section;
import io.hearth.bench.Target;
import io.hearth.bench.Unit;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpMethod;
import tools.jackson.databind.JsonNode;

/**
 * Sessions that outlive their sandbox, per driver that can hibernate: the time to hibernate and the image's size on
 * disk, resume → first byte against the same runtime's cold start (the same samples, alternating), how many
 * hibernated sessions the node's disk holds against how many live ones its memory holds, and for gVisor a new session
 * from a snapshot template against a plain cold start.
 */
public final class HibernationMeasurement implements Measurement {
    private static final List<String> DRIVERS = List.of("namespaces", "gvisor");
    private static final Duration TEMPLATE_WAIT = Duration.ofSeconds(60);

    @Override
    public Section section() {
        return Section.HIBERNATION;
    }

    @Override
    public SectionResult run(BenchContext context) throws IOException {
        String section = Section.HIBERNATION.title();
        var rows = new ArrayList<Row>();
        var details = new LinkedHashMap<String, Object>();
        for (String driver : DRIVERS) {
            String resume = "resume → first byte (" + driver + ")";
            Target resumeTarget = driver.equals("gvisor") ? new Target.AtMost(650) : new Target.AtMostPlus(0, "cold start");
            Optional<String> why = !AgentArtifacts.pythonAvailable() ? Optional.of("/usr/bin/python3 not installed")
                    : DriverProbe.unavailable(driver, context.workDir().resolve("probe-hibernate-" + driver))
                            .map(u -> driver + " cannot run here: " + ColdStartMeasurement.firstSentence(u));
            if (context.config().smoke() && !driver.equals("namespaces")) {
                why = Optional.of("smoke run: namespaces only");
            }
            if (why.isPresent()) {
                rows.add(Row.skipped(section, resume, Unit.MILLISECONDS, "cold start", resumeTarget, why.get()));
                continue;
            }
            try {
                Cycle cycle = measure(context, driver);
                double cold = Samples.quantile(cycle.coldMillis(), 0.5);
                double woken = Samples.quantile(cycle.resumeMillis(), 0.5);
                double saving = Samples.quantile(cycle.hibernateMillis(), 0.5);
                double imageKiB = Samples.quantile(cycle.imageBytes(), 0.5) / 1024;
                double memoryKiB = Samples.quantile(cycle.memoryBytes(), 0.5) / 1024;
                String how = String.format("median of %d; %s kept; %s; the bench's Python agent waits in poll(2) (agents"
                        + " waiting in epoll, such as asyncio's, keep files only with this runsc)", cycle.coldMillis().size(),
                        cycle.kept(), cycle.how());
                context.progress().say("hibernation %s: hibernate %.0f ms, %.0f KiB, resume %.0f ms vs cold %.0f ms",
                        driver, saving, imageKiB, woken, cold);
                rows.add(Row.measured(section, "time to hibernate a session (" + driver + ")", Unit.MILLISECONDS,
                        "cold start", cold, saving, new Target.None(), how));
                rows.add(Row.measured(section, "on-disk size per hibernated session (" + driver + ")", Unit.KIBIBYTES,
                        "its sandbox's memory", memoryKiB, imageKiB, new Target.None(),
                        "the image under <data-dir>/hibernated against the sandbox's cgroup memory before it slept"));
                rows.add(Row.measured(section, resume, Unit.MILLISECONDS, "cold start", cold, woken, resumeTarget, how));
                long disk = Files.getFileStore(context.workDir()).getUsableSpace();
                // At least a block each: its record and empty directories take one however little it kept.
                double asleep = disk / (Math.max(imageKiB, 4) * 1024);
                double awake = memoryKiB > 0 ? HostFacts.availableMemory() / (memoryKiB * 1024) : 0;
                rows.add(Row.measured(section, "sessions one node holds, hibernated vs live (" + driver + ")",
                        Unit.SESSIONS, "live (memory)", awake, asleep, new Target.None(), String.format(
                                "hibernated: usable disk %.1f GiB / image size (at least 4 KiB); live: MemAvailable %.1f GiB / sandbox memory",
                                disk / (double) (1L << 30), HostFacts.availableMemory() / (double) (1L << 30))));
                details.put(driver, Map.of("coldMillis", cycle.coldMillis(), "resumeMillis", cycle.resumeMillis(),
                        "hibernateMillis", cycle.hibernateMillis(), "imageBytes", cycle.imageBytes(), "kept", cycle.kept()));
            } catch (RuntimeException e) {
                context.progress().say("hibernation %s failed: %s", driver, e.getMessage());
                rows.add(Row.skipped(section, resume, Unit.MILLISECONDS, "cold start", resumeTarget, "error: " + e.getMessage()));
            }
        }
        rows.add(template(context, section, details));
        return new SectionResult(rows, details);
    }

    private record Cycle(List<Double> coldMillis, List<Double> hibernateMillis, List<Double> resumeMillis,
            List<Double> imageBytes, List<Double> memoryBytes, String kept, String how) {}

    /** Per sample: a new session's first byte, its hibernation, its resume's first byte. */
    private static Cycle measure(BenchContext context, String driver) throws IOException {
        // No snapshot templates here: the cold start compared with is a plain one.
        var placement = ColdStartMeasurement.place(context, driver, "hibernate_" + driver,
                Map.of("hearth:snapshotTemplate", "false"));
        try {
            var cold = new ArrayList<Double>();
            var saving = new ArrayList<Double>();
            var woken = new ArrayList<Double>();
            var image = new ArrayList<Double>();
            var memory = new ArrayList<Double>();
            String kept = "?";
            int samples = context.config().coldStartSamples();
            for (int i = 0; i < samples; i++) {
                String session = HearthNode.newSessionId();
                cold.add(ColdStartMeasurement.firstByteMillis(placement, session));
                memory.add(sandboxMemory(placement, session));
                long started = System.nanoTime();
                var reply = placement.node().call(HttpMethod.POST, "/hearth/v1/sessions/" + session + "/hibernate?runtimeId="
                        + placement.runtime().id(), null);
                if (reply.status() != 200) {
                    throw new IllegalStateException("hibernate answered " + reply.status() + ": " + reply.body());
                }
                saving.add((System.nanoTime() - started) / 1e6);
                JsonNode asleep = Json.tree(reply.body());
                image.add((double) asleep.path("sizeBytes").asLong());
                kept = asleep.path("kept").asString("?");
                woken.add(ColdStartMeasurement.firstByteMillis(placement, session));
                placement.node().stopSession(placement.runtime(), session);
            }
            return new Cycle(cold, saving, woken, image, memory, kept, placement.how());
        } finally {
            ColdStartMeasurement.close(placement);
        }
    }

    private static double sandboxMemory(ColdStartMeasurement.Placement placement, String session) {
        return placement.node().sessions(placement.runtime(), true).stream()
                .filter(s -> s.path("sessionId").asString("").equals(session))
                .mapToDouble(s -> s.path("memoryBytes").asDouble(0)).findFirst().orElse(0);
    }

    /** gVisor: a new session cloned from the version's snapshot template against a plain cold start. */
    private static Row template(BenchContext context, String section, Map<String, Object> details) throws IOException {
        String measurement = "new session → first byte from a snapshot template (gvisor)";
        Target target = new Target.AtMost(600);
        Optional<String> why = context.config().smoke() ? Optional.of("smoke run: namespaces only")
                : !AgentArtifacts.pythonAvailable() ? Optional.of("/usr/bin/python3 not installed")
                : DriverProbe.unavailable("gvisor", context.workDir().resolve("probe-template"))
                        .map(u -> "gvisor cannot run here: " + ColdStartMeasurement.firstSentence(u));
        if (why.isPresent()) {
            return Row.skipped(section, measurement, Unit.MILLISECONDS, "plain cold start", target, why.get());
        }
        var plain = ColdStartMeasurement.place(context, "gvisor", "plain_gvisor", Map.of("hearth:snapshotTemplate", "false"));
        var cloned = ColdStartMeasurement.place(context, "gvisor", "template_gvisor", Map.of());
        try {
            ColdStartMeasurement.firstByteMillis(cloned, HearthNode.newSessionId());
            Instant deadline = Instant.now().plus(TEMPLATE_WAIT);
            while (!templateReady(cloned)) {
                if (Instant.now().isAfter(deadline)) {
                    return Row.skipped(section, measurement, Unit.MILLISECONDS, "plain cold start", target,
                            "no template within " + TEMPLATE_WAIT.toSeconds() + " s");
                }
                Readiness.sleepMillis(200);
            }
            var plainMillis = new ArrayList<Double>();
            var clonedMillis = new ArrayList<Double>();
            for (int i = 0; i < context.config().coldStartSamples(); i++) {
                plainMillis.add(newSession(plain));
                clonedMillis.add(newSession(cloned));
            }
            details.put("template", Map.of("plainMillis", plainMillis, "templateMillis", clonedMillis));
            return Row.measured(section, measurement, Unit.MILLISECONDS, "plain cold start",
                    Samples.quantile(plainMillis, 0.5), Samples.quantile(clonedMillis, 0.5), target,
                    String.format("median of %d, alternating; p90 plain %.1f ms, template %.1f ms", plainMillis.size(),
                            Samples.quantile(plainMillis, 0.9), Samples.quantile(clonedMillis, 0.9)));
        } finally {
            ColdStartMeasurement.close(plain);
            ColdStartMeasurement.close(cloned);
        }
    }

    private static boolean templateReady(ColdStartMeasurement.Placement placement) {
        var reply = placement.node().call(HttpMethod.GET, "/hearth/v1/hibernated?runtimeId=" + placement.runtime().id(), null);
        for (JsonNode t : Json.tree(reply.body()).path("templates")) {
            if (t.path("state").asString("").equals("ready")) {
                return true;
            }
        }
        return false;
    }

    private static double newSession(ColdStartMeasurement.Placement placement) throws IOException {
        String session = HearthNode.newSessionId();
        double millis = ColdStartMeasurement.firstByteMillis(placement, session);
        placement.node().stopSession(placement.runtime(), session);
        return millis;
    }
}
