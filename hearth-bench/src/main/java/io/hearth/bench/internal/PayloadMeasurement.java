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
 * heap the transfer makes Hearth retain. The client shares the JVM with Hearth, so the direct run's heap growth is
 * the client's own, and Hearth's share is what the Hearth run adds to it.
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

        double directGrowth = heapGrowth(() -> EchoTransfer.run(agent, "/invocations", bytes));
        double hearthGrowth = heapGrowth(() -> EchoTransfer.run(hearth, hearthPath, bytes, signed(hearth, hearthPath, session)));
        context.progress().say("%s echo heap growth: client alone %.1f MiB, client + Hearth %.1f MiB", size, directGrowth, hearthGrowth);

        String section = Section.BIG_PAYLOAD.title();
        var rows = List.of(
                Row.measured(section, size + " echo throughput (up and back)", Unit.MEGABYTES_PER_SECOND, "direct",
                        bestDirect, bestHearth, new Target.AtLeastRatio(0.8, "direct"),
                        "best of " + config.payloadRepeats() + "; the agent streams the body back as it arrives"),
                Row.measured(section, "heap retained during the " + size + " echo", Unit.MEBIBYTES, "client alone",
                        directGrowth, hearthGrowth, new Target.AtMostPlus(HEAP_BUDGET_MIB, "client alone"),
                        "peak of heap after full GCs every " + SAMPLE_EVERY.toMillis() + " ms; Hearth runs in the bench's JVM"));
        var details = new LinkedHashMap<String, Object>();
        details.put("bytes", bytes);
        details.put("directMegabytesPerSecond", direct);
        details.put("hearthMegabytesPerSecond", viaHearth);
        details.put("heapGrowthClientAloneMiB", directGrowth);
        details.put("heapGrowthWithHearthMiB", hearthGrowth);
        return new SectionResult(rows, details);
    }

    /** The session header and a signature over the head: the body streams, so it is sent as UNSIGNED-PAYLOAD. */
    private static String[] signed(InetSocketAddress hearth, String path, String[] session) {
        return BenchAuth.headers("POST", hearth, path, SigV4Signer.UNSIGNED_PAYLOAD, session);
    }

    private interface Transfer {
        EchoTransfer.Outcome run() throws IOException;
    }

    private static double heapGrowth(Transfer transfer) throws IOException {
        try (HeapSampler sampler = HeapSampler.start(SAMPLE_EVERY)) {
            transfer.run();
            return sampler.stopAndGetGrowth() / (double) (1L << 20);
        }
    }
}
