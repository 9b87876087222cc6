package io.hearth.bench.soak;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * One soak run: how long, how hard, and how much each series may move before it counts as growth.
 *
 * @param repoRoot     the repository: the agent is found under it
 * @param outputDir    where {@code <date>-soak.md} and {@code .png} are written
 * @param duration     how long load runs
 * @param warmup       the first stretch of it, left out of the flatness comparison (JIT, pools, caches settle)
 * @param sampleEvery  how often Hearth's process is sampled (each sample forces one full GC in it)
 * @param isolation    the sandbox driver Hearth runs agents with
 * @param rate         invocations per second, all workers together
 * @param workers      connections sending invocations, each paced to its share of {@code rate}
 * @param workingSet   sessions in use at once; churn replaces them, the set never grows
 * @param churnEvery   how often one session of the set is stopped (StopRuntimeSession) and replaced by a new one
 * @param crashEvery   how often an agent is made to exit (alternately before and after answering)
 */
public record SoakConfig(
        Path repoRoot,
        Path outputDir,
        Duration duration,
        Duration warmup,
        Duration sampleEvery,
        String isolation,
        int rate,
        int workers,
        int workingSet,
        Duration churnEvery,
        Duration crashEvery) {
    public static final Duration MAX_DURATION = Duration.ofHours(24);
    public static final Set<String> ISOLATIONS = Set.of("process", "namespaces", "gvisor", "auto");
    /** Samples after warm-up the comparison needs: a first and a last third of at least two each. */
    static final int MIN_COMPARED_SAMPLES = 6;

    public SoakConfig {
        requireNonNull(repoRoot, "repoRoot");
        requireNonNull(outputDir, "outputDir");
        requireNonNull(duration, "duration");
        requireNonNull(warmup, "warmup");
        requireNonNull(sampleEvery, "sampleEvery");
        requireNonNull(isolation, "isolation");
        requireNonNull(churnEvery, "churnEvery");
        requireNonNull(crashEvery, "crashEvery");
        if (duration.compareTo(Duration.ofSeconds(10)) < 0 || duration.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException("duration: " + duration + " (expected: 10 s to 24 h)");
        }
        if (sampleEvery.compareTo(Duration.ofMillis(500)) < 0) {
            throw new IllegalArgumentException("sampleEvery: " + sampleEvery + " (expected: at least 500 ms)");
        }
        if (warmup.isNegative() || warmup.compareTo(duration) >= 0) {
            throw new IllegalArgumentException("warmup: " + warmup + " (expected: 0 or more, shorter than the duration " + duration + ")");
        }
        long compared = duration.minus(warmup).toMillis() / sampleEvery.toMillis();
        if (compared < MIN_COMPARED_SAMPLES) {
            throw new IllegalArgumentException("sampleEvery: " + sampleEvery + " leaves " + compared + " samples after warm-up"
                    + " (expected: at least " + MIN_COMPARED_SAMPLES + "; sample more often or run longer)");
        }
        if (!ISOLATIONS.contains(isolation)) {
            throw new IllegalArgumentException("isolation: " + isolation + " (expected: one of " + ISOLATIONS + ")");
        }
        if (rate < 1 || rate > 5_000) {
            throw new IllegalArgumentException("rate: " + rate + " (expected: 1 to 5,000 invocations per second)");
        }
        if (workers < 1 || workers > 64) {
            throw new IllegalArgumentException("workers: " + workers + " (expected: 1 to 64)");
        }
        if (workingSet < 1 || workingSet > 256) {
            throw new IllegalArgumentException("workingSet: " + workingSet + " (expected: 1 to 256 sessions)");
        }
        if (churnEvery.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("churnEvery: " + churnEvery + " (expected: at least 100 ms)");
        }
        if (crashEvery.compareTo(Duration.ofMillis(500)) < 0) {
            throw new IllegalArgumentException("crashEvery: " + crashEvery + " (expected: at least 500 ms)");
        }
    }

    /**
     * The usual run for {@code duration}: 100 invocations/s on 4 connections over 8 sessions, one session replaced
     * every second, one agent crash every 10 s; warm-up a fifth of the run (at most a minute), a sample every 5 s
     * (more often on short runs, so the comparison has enough of them).
     */
    public static SoakConfig standard(Path repoRoot, Path outputDir, Duration duration, String isolation) {
        Duration warmup = duration.dividedBy(5).compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1) : duration.dividedBy(5);
        Duration sampleEvery = Duration.ofSeconds(5);
        long compared = duration.minus(warmup).toMillis() / sampleEvery.toMillis();
        if (compared < 12) {
            sampleEvery = Duration.ofMillis(Math.max(500, duration.minus(warmup).toMillis() / 12));
        }
        Duration crashEvery = duration.compareTo(Duration.ofMinutes(2)) < 0 ? Duration.ofSeconds(5) : Duration.ofSeconds(10);
        return new SoakConfig(repoRoot, outputDir, duration, warmup, sampleEvery, isolation, 100, 4, 8,
                Duration.ofSeconds(1), crashEvery);
    }

    public SoakConfig withRate(int newRate) {
        return new SoakConfig(repoRoot, outputDir, duration, warmup, sampleEvery, isolation, newRate, workers, workingSet,
                churnEvery, crashEvery);
    }
}
