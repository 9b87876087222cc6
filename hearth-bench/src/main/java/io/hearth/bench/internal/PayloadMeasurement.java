package io.hearth.bench.internal;

import io.hearth.auth.SigV4Signer;
import io.hearth.bench.Row;
import io.hearth.bench.Section;
import io.hearth.bench.Target;
import io.hearth.bench.Unit;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * A big request echoed back while it streams in, straight to the agent and through Hearth: throughput, and how much
 * heap the transfer makes Hearth retain, read from Hearth's own process (its heap after forced full GCs, sampled
 * while the echo runs, against the same before it starts).
 */
public final class PayloadMeasurement implements Measurement {
    private static final double HEAP_BUDGET_MIB = 32;
    private static final Duration SAMPLE_EVERY = Duration.ofMillis(20);

    @Override
    public Section section() {
        return Section.BIG_PAYLOAD;
    }

    @Override
    public SectionResult run(BenchContext context) throws IOException {
        var config = context.config();
        ProxyRig rig = context.rig();
        long bytes = config.payloadBytes();
        InetSocketAddress agent = rig.bareAgent(0);
        InetSocketAddress hearth = rig.hearth().address();
        String hearthPath = HearthNode.invocationPath(rig.runtime());
        String[] session = {HearthNode.SESSION_HEADER, rig.session(0)};
        String size = Unit.MEGABYTES_PER_SECOND.number(bytes / 1e6).replace(",", "") + " MB";

        // Before any big transfer: buffers pooled because of the echoes count as growth too.
        double idleMiB = rig.hearth().heapAfterFullGcBytes() / (double) (1L << 20);
        var direct = new ArrayList<Double>();
        var viaHearth = new ArrayList<Double>();
        for (int i = 0; i < config.payloadRepeats(); i++) {
            direct.add(EchoTransfer.run(agent, "/invocations", bytes).megabytesPerSecond());
            viaHearth.add(EchoTransfer.run(hearth, hearthPath, bytes, signed(hearth, hearthPath, session)).megabytesPerSecond());
            context.progress().say("%s echo %d/%d: direct %,.0f MB/s, Hearth %,.0f MB/s", size, i + 1,
                    config.payloadRepeats(), direct.getLast(), viaHearth.getLast());
        }
        double bestDirect = direct.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        double bestHearth = viaHearth.stream().mapToDouble(Double::doubleValue).max().orElseThrow();

        HearthNode node = rig.hearth();
        double betweenMiB;
        double peakMiB;
        long readings;
        try (HeapSampler sampler = HeapSampler.start(node::heapAfterFullGcBytes, SAMPLE_EVERY)) {
            // As many echoes as the throughput pass made: one is over before a loaded machine allows many readings.
            for (int i = 0; i < config.payloadRepeats(); i++) {
                EchoTransfer.run(hearth, hearthPath, bytes, signed(hearth, hearthPath, session));
            }
            long growth = sampler.stopAndGetGrowth();
            betweenMiB = sampler.before() / (double) (1L << 20);
            peakMiB = betweenMiB + growth / (double) (1L << 20);
            readings = sampler.samples();
        }
        context.progress().say("%s echo: Hearth's heap after full GC %.1f MiB before any echo, %.1f MiB after the"
                + " throughput pass, peak %.1f MiB during %d more (%d readings)", size, idleMiB, betweenMiB, peakMiB,
                config.payloadRepeats(), readings);

        String section = Section.BIG_PAYLOAD.title();
        var rows = List.of(
                Row.measured(section, size + " echo throughput (up and back)", Unit.MEGABYTES_PER_SECOND, "direct",
                        bestDirect, bestHearth, new Target.AtLeastRatio(0.8, "direct"),
                        "best of " + config.payloadRepeats() + "; the agent streams the body back as it arrives"),
                Row.measured(section, "heap retained during the " + size + " echo", Unit.MEBIBYTES, "Hearth before",
                        idleMiB, peakMiB, new Target.AtMostPlus(HEAP_BUDGET_MIB, "before"),
                        "Hearth's own process: peak of its heap after full GCs forced every " + SAMPLE_EVERY.toMillis()
                                + " ms during " + config.payloadRepeats() + " more echoes (" + readings
                                + " readings), against the same before any echo"));
        var details = new LinkedHashMap<String, Object>();
        details.put("bytes", bytes);
        details.put("directMegabytesPerSecond", direct);
        details.put("hearthMegabytesPerSecond", viaHearth);
        details.put("hearthHeapBeforeMiB", idleMiB);
        details.put("hearthHeapAfterThroughputPassMiB", betweenMiB);
        details.put("hearthHeapPeakMiB", peakMiB);
        details.put("hearthHeapGrowthMiB", peakMiB - idleMiB);
        details.put("heapReadings", readings);
        return new SectionResult(rows, details);
    }

    /** The session header and a signature over the head: the body streams, so it is sent as UNSIGNED-PAYLOAD. */
    private static String[] signed(InetSocketAddress hearth, String path, String[] session) {
        return BenchAuth.headers("POST", hearth, path, SigV4Signer.UNSIGNED_PAYLOAD, session);
    }
}
