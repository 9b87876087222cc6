package io.hearth.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.hearth.bench.soak.Soak;
import io.hearth.bench.soak.SoakCheck;
import io.hearth.bench.soak.SoakConfig;
import io.hearth.bench.soak.SoakReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A one-minute {@code ./hearth soak}: Hearth in its own process, steady load with session churn,
 * StopRuntimeSession and agent crashes, sampled every 2.5 s. The verdict must pass (every series flat after
 * warm-up, nothing left after SIGTERM) and both report files must be written. The slack per series is the soak's
 * own; the load is lighter than a full run's so that a shared two-core machine keeps up.
 */
class SoakSmokeTest {

    @Test
    void shortSoakStaysFlatLeavesNothingAndWritesTheReport(@TempDir Path out) throws Exception {
        Path home = Path.of(System.getProperty("hearth.home", "..")).toAbsolutePath().normalize();
        var config = new SoakConfig(home, out, Duration.ofSeconds(60), Duration.ofSeconds(15), Duration.ofMillis(2500),
                "process", 50, 4, 6, Duration.ofSeconds(1), Duration.ofSeconds(4));
        long started = System.nanoTime();

        SoakReport report = Soak.run(config, System.err);
        System.err.print(Soak.table(report));

        assertThat(report.failures()).as("checks that failed").isEmpty();
        assertThat(report.passed()).isTrue();
        assertThat((System.nanoTime() - started) / 1e9).as("soak seconds").isLessThan(170);
        assertThat(report.samples()).hasSizeGreaterThanOrEqualTo(14);
        assertThat(report.samples()).allMatch(s -> !Double.isNaN(s.heapMib()) && s.heapMib() > 0, "heap after GC read every time");
        assertThat(report.invokes()).as("invocations ok").isGreaterThan(1_000);
        assertThat(report.crashes()).as("agent crashes").isGreaterThanOrEqualTo(8);
        assertThat(report.replaced()).as("sessions replaced").isGreaterThanOrEqualTo(25);
        assertThat(report.checks()).extracting(SoakCheck::what).contains("open fds", "threads", "RSS",
                "heap after full GC", "live sandboxes", "processes left after Hearth exited", "temporary directory removed");

        List<Path> written = Soak.write(report, out);
        assertThat(written).allMatch(Files::isRegularFile);
        assertThat(Files.readString(written.get(0))).contains("**Verdict: PASSED**").contains("| time s | fds | threads |");
        var chart = ImageIO.read(written.get(1).toFile());
        assertThat(chart.getWidth()).isGreaterThan(800);
    }
}
