package io.hearth.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    private static final long MIB = 1024 * 1024;

    @Test
    void packingShowsTheBarPercentFilesAndMebibytes() {
        String line = ProgressBar.packing(1_204, 2_310, (long) (18.3 * MIB), (long) (35.1 * MIB), 80);
        assertThat(line).isEqualTo("Packing   [##############..............]  52%  1,204/2,310 files  18.3/35.1 MiB");
        assertThat(line).hasSizeLessThan(80);
    }

    @Test
    void theBarFillsTheWidthGivenWithinBounds() {
        for (int width : new int[] {60, 80, 89}) {
            String line = ProgressBar.packing(1, 4, 100, 400, width);
            assertThat(line).as("width %d", width).hasSize(width - 1).contains("  25%  1/4 files  100/400 B");
        }
        // Too narrow for everything: the bar keeps ten cells.
        assertThat(ProgressBar.packing(1, 2, 1, 2, 20)).startsWith("Packing   [#####.....]  50%");
        // Wide: at most fifty.
        assertThat(ProgressBar.packing(2, 2, 2, 2, 300)).contains("[" + "#".repeat(50) + "]");
    }

    @Test
    void packingEmptyFilesCountsByFiles() {
        assertThat(ProgressBar.packing(3, 4, 0, 0, 80)).contains("  75%  3/4 files  0/0 B");
    }

    @Test
    void uploadShowsRateAndTimeLeft() {
        String line = ProgressBar.upload(10 * MIB, 40 * MIB, Duration.ofSeconds(5), 80);
        assertThat(line).startsWith("Uploading [").contains("]  25%  10.0/40.0 MiB     2.0 MiB/s  ETA  0:15");
        assertThat(line).hasSize(79);
        assertThat(ProgressBar.upload(0, 40 * MIB, Duration.ZERO, 80)).contains("   0%   0.0/40.0 MiB         -- /s  ETA --:--");
        assertThat(ProgressBar.upload(40 * MIB, 40 * MIB, Duration.ofSeconds(20), 80))
                .contains("[" + "#".repeat(20)).contains(" 100%  40.0/40.0 MiB     2.0 MiB/s  ETA  0:00");
        // The bar keeps its width as the numbers grow.
        assertThat(ProgressBar.upload(0, 40 * MIB, Duration.ZERO, 80)).hasSize(79);
        assertThat(ProgressBar.packing(1, 2_310, 1, 40 * MIB, 80)).hasSize(ProgressBar.packing(2_310, 2_310, 40 * MIB, 40 * MIB, 80).length());
    }

    @Test
    void unitsFollowTheTotal() {
        assertThat(ProgressBar.bytes(512, 900)).isEqualTo("512/900 B");
        assertThat(ProgressBar.bytes(1536, 4096)).isEqualTo("1.5/4.0 KiB");
        assertThat(ProgressBar.bytes(3 * MIB, 2048 * MIB)).isEqualTo("0.0/2.0 GiB");
        assertThat(ProgressBar.rate(300)).isEqualTo("300 B/s");
        assertThat(ProgressBar.clock(Duration.ofSeconds(3723))).isEqualTo("1:02:03");
        assertThat(ProgressBar.clock(Duration.ofSeconds(754))).isEqualTo("12:34");
    }

    @Test
    void waitingTurnsASpinnerAndShowsTheTimeWaited() {
        assertThat(ProgressBar.waiting(0, Duration.ofSeconds(12), "", 80)).isEqualTo("Waiting for READY  |  0:12");
        assertThat(ProgressBar.waiting(1, Duration.ofSeconds(12), "", 80)).contains("  /  ");
        assertThat(ProgressBar.waiting(2, Duration.ZERO, "pulling: resolving the manifest", 80))
                .isEqualTo("Waiting for READY  -  0:00  pulling: resolving the manifest");
        assertThat(ProgressBar.waiting(3, Duration.ZERO, "x".repeat(200), 80)).hasSize(79);
    }

    @Test
    void plainLinesAtTheStartEachQuarterAndTheEnd() {
        var err = new ByteArrayOutputStream();
        var progress = new Progress(new PrintStream(err, true, StandardCharsets.UTF_8), Progress.Mode.PLAIN, 80, new AtomicLong()::get);
        var bar = progress.bar((done, elapsed, width) -> ProgressBar.line("Packing", done / 1000.0, done + "/1000", width));
        for (long done = 0; done <= 1000; done++) {
            bar.update(done, 1000);
        }
        bar.finish(1000);
        assertThat(err.toString(StandardCharsets.UTF_8).lines().toList()).hasSize(5).allSatisfy(l -> assertThat(l).startsWith("Packing   ["))
                .extracting(l -> l.substring(l.indexOf(']') + 1, l.indexOf('%') + 1).strip())
                .containsExactly("0%", "25%", "50%", "75%", "100%");
        assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("\r");
    }

    @Test
    void plainLinesSkipQuartersPassedAtOnce() {
        var err = new ByteArrayOutputStream();
        var progress = new Progress(new PrintStream(err, true, StandardCharsets.UTF_8), Progress.Mode.PLAIN, 80, new AtomicLong()::get);
        var bar = progress.bar((done, elapsed, width) -> ProgressBar.line("Uploading", done / 100.0, "", width));
        bar.update(80, 100);
        bar.update(90, 100);
        bar.finish(100);
        assertThat(err.toString(StandardCharsets.UTF_8).lines().map(l -> l.substring(l.indexOf(']') + 1).strip()).toList())
                .containsExactly("0%", "80%", "100%");
    }

    @Test
    void onATerminalTheLineIsRedrawnInPlaceAtMostEveryTenthOfASecond() {
        var err = new ByteArrayOutputStream();
        var clock = new AtomicLong();
        var progress = new Progress(new PrintStream(err, true, StandardCharsets.UTF_8), Progress.Mode.IN_PLACE, 60, clock::get);
        var bar = progress.bar((done, elapsed, width) -> ProgressBar.line("Uploading", done / 100.0, "", width));
        bar.update(10, 100); // too soon after the first draw
        clock.addAndGet(Duration.ofMillis(150).toNanos());
        bar.update(40, 100);
        bar.finish(100);
        progress.say("READY");
        String shown = err.toString(StandardCharsets.UTF_8);
        assertThat(shown.split("\r", -1)).hasSize(4); // 0%, 40%, 100%
        assertThat(shown).contains("  40%").doesNotContain("  10%").endsWith(" 100%\nREADY\n");
        assertThat(shown.substring(0, shown.indexOf(" 100%"))).doesNotContain("\n");
    }

    @Test
    void quietShowsNothing() {
        var err = new ByteArrayOutputStream();
        var progress = new Progress(new PrintStream(err, true, StandardCharsets.UTF_8), Progress.Mode.QUIET, 80, new AtomicLong()::get);
        var bar = progress.bar((done, elapsed, width) -> "x");
        bar.update(50, 100);
        bar.finish(100);
        progress.startWait().update("pulling: x");
        progress.say("READY");
        assertThat(err.size()).isZero();
    }

    @Test
    void theWidthComesFromColumnsWhenItIsOne() {
        assertThat(Progress.columns(null)).isEqualTo(80);
        assertThat(Progress.columns("120")).isEqualTo(120);
        assertThat(Progress.columns("wide")).isEqualTo(80);
        assertThat(Progress.columns("5")).isEqualTo(80);
    }
}
