package io.hearth.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.hearth.bench.internal.Nginx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code ./hearth bench --smoke} in-process, so the bench cannot rot: every measurement runs with tiny sizes,
 * the three result files are written and readable. Figures are not judged here (CI machines differ); what must hold
 * is that nothing fails, and that what cannot run here says why.
 */
class BenchSmokeTest {

    @Test
    void smokeRunMeasuresEverySectionAndWritesTheReports(@TempDir Path out) throws Exception {
        Path home = Path.of(System.getProperty("hearth.home", "..")).toAbsolutePath().normalize();
        long started = System.nanoTime();

        BenchReport report = Bench.run(BenchConfig.smoke(home, out), System.err);

        assertThat(report.errors()).as("measurements that failed").isEmpty();
        // The smoke run aims at about a minute; the bound catches a hang, and leaves a loaded CI machine room.
        assertThat((System.nanoTime() - started) / 1e9).as("smoke run seconds").isLessThan(360);
        for (Section section : Section.values()) {
            assertThat(report.rows()).as("rows of " + section.title()).anyMatch(r -> r.section().equals(section.title()));
        }
        assertThat(report.rows()).noneMatch(r -> r.note().startsWith("error:"));
        assertMeasured(report, Section.WARM_INVOKE, "c=4 throughput vs direct");
        assertMeasured(report, Section.BIG_PAYLOAD, "echo throughput");
        assertMeasured(report, Section.SSE_STREAMS, "concurrent SSE streams held");
        assertMeasured(report, Section.COLD_START, "(process)");
        assertMeasured(report, Section.DENSITY, "live idle sessions");
        assertMeasured(report, Section.WEBSOCKET, "echoed messages per second");

        Row image = row(report, Section.IMAGES, "first byte, image");
        if (image.isSkipped()) {
            assertThat(image.note()).as("why the image rows were skipped").containsAnyOf("not installed", "cannot run here");
        } else {
            assertMeasured(report, Section.IMAGES, "first byte, image");
            assertMeasured(report, Section.IMAGES, "first pull");
            assertMeasured(report, Section.IMAGES, "image stored");
        }

        Row nginx = row(report, Section.WARM_INVOKE, "c=4 throughput vs nginx");
        Row p99VsNginx = row(report, Section.WARM_INVOKE, "c=4 p99 latency vs nginx");
        Row boto3 = row(report, Section.WARM_INVOKE, "application/octet-stream");
        if (Nginx.binary().isPresent()) {
            assertThat(nginx.isSkipped()).as("nginx row with nginx installed: %s", nginx.note()).isFalse();
            assertThat(p99VsNginx.isSkipped()).as("p99 vs nginx: %s", p99VsNginx.note()).isFalse();
            assertThat(boto3.isSkipped()).as("boto3 form: %s", boto3.note()).isFalse();
            // One native generator, the same flags for every target, said in the table.
            assertThat(nginx.note()).contains("wrk -t1 -c4 -d1s");
        } else {
            assertThat(nginx.note()).isEqualTo("nginx not installed");
        }
        assertThat(row(report, Section.WARM_INVOKE, "c=1 p50 latency").note()).contains("wrk -t1 -c1");

        // Hearth runs as ./hearth server runs it, in a process of its own, and its heap is read from there.
        @SuppressWarnings("unchecked")
        var warm = (java.util.Map<String, Object>) report.details().get(Section.WARM_INVOKE.key());
        assertThat((String) warm.get("hearth")).contains("hearth.jvmopts").contains("io.hearth.cli.Main server");
        assertThat((String) warm.get("generator")).startsWith("wrk");
        @SuppressWarnings("unchecked")
        var payload = (java.util.Map<String, Object>) report.details().get(Section.BIG_PAYLOAD.key());
        assertThat((Double) payload.get("hearthHeapBeforeMiB")).as("Hearth's own heap, not the bench's").isPositive();
        assertThat((Long) payload.get("heapReadings")).isPositive();

        // The machine, and whether other work loaded it.
        assertThat(report.machine()).containsKeys("cpu", "cores", "memoryGiB", "kernel", "loadAverageAtStart",
                "loadAverageAtEnd", "otherProcessesCores", "loadedMachine", "loadedBecause");
        // Every section waited for a quiet machine, at most 45 s and one half-second window more.
        var settled = (java.util.Map<?, ?>) report.machine().get("settledBeforeSections");
        assertThat(settled.keySet().stream().map(String::valueOf).toList()).as("sections that waited for a quiet machine")
                .containsExactlyInAnyOrderElementsOf(java.util.Arrays.stream(Section.values()).map(Section::key).toList());
        assertThat(settled.values()).allSatisfy(wait -> assertThat((Double) ((java.util.Map<?, ?>) wait).get("seconds"))
                .isBetween(0.4, 46.0));

        List<Path> written = Bench.write(report, out);
        assertThat(written).allMatch(Files::isRegularFile);
        assertThat(Files.readString(written.get(0))).contains("| measurement | baseline | Hearth | ratio | target | met? | notes |")
                .contains("Before each section the bench waited for a quiet machine");
        assertThat(Files.readString(written.get(1))).contains("\"rows\"").contains("\"mode\" : \"smoke\"");
        var chart = ImageIO.read(written.get(2).toFile());
        assertThat(chart.getWidth()).isGreaterThan(800);
        assertThat(chart.getHeight()).isGreaterThan(report.rows().size() * 20);
    }

    private static void assertMeasured(BenchReport report, Section section, String measurement) {
        Row row = row(report, section, measurement);
        assertThat(row.isSkipped()).as("%s: %s skipped (%s)", section.title(), measurement, row.note()).isFalse();
        assertThat(row.hearth().getAsDouble()).as("%s: %s", section.title(), measurement).isPositive();
    }

    private static Row row(BenchReport report, Section section, String measurement) {
        return report.rows().stream()
                .filter(r -> r.section().equals(section.title()) && r.measurement().contains(measurement))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no row " + measurement + " in " + section.title() + ": " + report.rows()));
    }
}
