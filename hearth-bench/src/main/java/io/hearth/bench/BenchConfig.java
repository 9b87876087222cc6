package io.hearth.bench;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Sizes and budgets of one bench run. {@link #full} fits the whole run in under ten minutes on two cores;
 * {@link #smoke} runs every code path with tiny sizes in seconds, so CI keeps it working.
 *
 * @param smoke                whether this is the tiny CI run
 * @param repoRoot             the repository: agents and examples are found under it
 * @param outputDir            where {@code <date>.md}, {@code .json} and {@code .png} are written
 * @param sections             which measurements run
 * @param warmup               load before each target's first measured run, so JITs and pools settle (15 s; for
 *                             Hearth also the length of each further round until its JIT has settled)
 * @param measure              length of one measured load run
 * @param concurrencies        closed-loop connection counts for warm invokes
 * @param proxySessions        agent processes behind each warm target (Hearth sessions, bare agents, nginx upstreams)
 * @param coldStartSamples     cold starts per driver, each for Hearth and for the bare baseline
 * @param poolSamples          claims from the warm pool
 * @param payloadBytes         size of the big request (and of its echo)
 * @param payloadRepeats       transfers per target; the best counts
 * @param densityMax           stop adding sessions at this many
 * @param densityMemoryFloor   stop adding sessions when the host's available memory falls below this many bytes
 * @param densityBudget        stop adding sessions after this long
 * @param sseTarget            open SSE streams to aim for
 * @param sseOpenBudget        how long opening the streams may take
 * @param sseHold              how long the streams are held open after that, all still receiving
 */
public record BenchConfig(
        boolean smoke,
        Path repoRoot,
        Path outputDir,
        Set<Section> sections,
        Duration warmup,
        Duration measure,
        List<Integer> concurrencies,
        int proxySessions,
        int coldStartSamples,
        int poolSamples,
        long payloadBytes,
        int payloadRepeats,
        int densityMax,
        long densityMemoryFloor,
        Duration densityBudget,
        int sseTarget,
        Duration sseOpenBudget,
        Duration sseHold) {

    public BenchConfig {
        requireNonNull(repoRoot, "repoRoot");
        requireNonNull(outputDir, "outputDir");
        sections = Set.copyOf(requireNonNull(sections, "sections"));
        requireNonNull(warmup, "warmup");
        requireNonNull(measure, "measure");
        concurrencies = List.copyOf(requireNonNull(concurrencies, "concurrencies"));
        requireNonNull(densityBudget, "densityBudget");
        requireNonNull(sseOpenBudget, "sseOpenBudget");
        requireNonNull(sseHold, "sseHold");
        if (sections.isEmpty()) {
            throw new IllegalArgumentException("sections: empty (expected: at least one of " + List.of(Section.values()) + ")");
        }
        if (measure.isZero() || measure.isNegative()) {
            throw new IllegalArgumentException("measure: " + measure + " (expected: positive)");
        }
        if (warmup.isNegative()) {
            throw new IllegalArgumentException("warmup: " + warmup + " (expected: 0 or more)");
        }
        if (concurrencies.isEmpty() || concurrencies.stream().anyMatch(c -> c < 1 || c > 1024)) {
            throw new IllegalArgumentException("concurrencies: " + concurrencies + " (expected: 1 to 1024 each, at least one)");
        }
        positive("proxySessions", proxySessions);
        positive("coldStartSamples", coldStartSamples);
        positive("poolSamples", poolSamples);
        positive("payloadRepeats", payloadRepeats);
        positive("densityMax", densityMax);
        positive("sseTarget", sseTarget);
        if (payloadBytes < 1 || payloadBytes > 100_000_000L) {
            throw new IllegalArgumentException("payloadBytes: " + payloadBytes + " (expected: 1 to 100,000,000, AgentCore's limit)");
        }
        if (densityMemoryFloor < 0) {
            throw new IllegalArgumentException("densityMemoryFloor: " + densityMemoryFloor + " (expected: 0 or more bytes)");
        }
    }

    private static void positive(String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: at least 1)");
        }
    }

    /** The real run: targets at their full sizes, about eight minutes on two cores. */
    public static BenchConfig full(Path repoRoot, Path outputDir) {
        return new BenchConfig(false, repoRoot, outputDir, EnumSet.allOf(Section.class),
                Duration.ofSeconds(15), Duration.ofSeconds(5), List.of(1, 16, 64), 4,
                15, 30, 100_000_000L, 3,
                1_000, 4L << 30, Duration.ofSeconds(110),
                10_000, Duration.ofSeconds(40), Duration.ofSeconds(4));
    }

    /** Every code path with tiny sizes: seconds, for CI. */
    public static BenchConfig smoke(Path repoRoot, Path outputDir) {
        return new BenchConfig(true, repoRoot, outputDir, EnumSet.allOf(Section.class),
                Duration.ofMillis(300), Duration.ofMillis(500), List.of(1, 4), 1,
                1, 2, 1_000_000L, 1,
                5, 1L << 30, Duration.ofSeconds(10),
                40, Duration.ofSeconds(10), Duration.ofSeconds(1));
    }

    public BenchConfig withSections(Set<Section> chosen) {
        return new BenchConfig(smoke, repoRoot, outputDir, chosen, warmup, measure, concurrencies, proxySessions,
                coldStartSamples, poolSamples, payloadBytes, payloadRepeats, densityMax, densityMemoryFloor, densityBudget,
                sseTarget, sseOpenBudget, sseHold);
    }

    public BenchConfig withOutputDir(Path dir) {
        return new BenchConfig(smoke, repoRoot, dir, sections, warmup, measure, concurrencies, proxySessions,
                coldStartSamples, poolSamples, payloadBytes, payloadRepeats, densityMax, densityMemoryFloor, densityBudget,
                sseTarget, sseOpenBudget, sseHold);
    }

    public String mode() {
        return smoke ? "smoke" : "full";
    }
}
