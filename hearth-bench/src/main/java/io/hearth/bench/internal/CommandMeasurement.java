package io.hearth.bench.internal;

import io.hearth.bench.Row;
import io.hearth.bench.Section;
import io.hearth.bench.Target;
import io.hearth.bench.Unit;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * InvokeAgentRuntimeCommand on a live session: from the request to the program's first output event, against the
 * same program started on the host ({@code /bin/sh -c}, first stdout byte). What Hearth adds is the request, the
 * signature check, the sandbox's exec and the event stream.
 */
public final class CommandMeasurement implements Measurement {
    private static final String COMMAND = "echo ready";
    /** Added median latency over a bare fork and exec that Hearth aims to stay under. */
    private static final double ADDED_P50_MILLIS = 50;
    private static final int READ_TIMEOUT_MS = 30_000;

    @Override
    public Section section() {
        return Section.COMMANDS;
    }

    @Override
    public SectionResult run(BenchContext context) throws IOException, InterruptedException {
        ProxyRig rig = context.rig();
        int samples = context.config().smoke() ? 5 : 50;
        InetSocketAddress hearth = rig.hearth().address();
        String path = "/runtimes/" + URLEncoder.encode(rig.runtime().arn(), StandardCharsets.UTF_8) + "/commands";
        byte[] body = ("{\"command\":\"" + COMMAND + "\",\"timeout\":30}").getBytes(StandardCharsets.UTF_8);

        firstOutputViaHearth(hearth, path, body, rig.session(0)); // the first exec of a session warms its path
        long[] direct = new long[samples];
        long[] viaHearth = new long[samples];
        for (int i = 0; i < samples; i++) {
            direct[i] = firstOutputDirect();
            viaHearth[i] = firstOutputViaHearth(hearth, path, body, rig.session(0));
        }
        Arrays.sort(direct);
        Arrays.sort(viaHearth);
        double directP50 = LongSamples.quantile(direct, 0.5) / 1e6;
        double hearthP50 = LongSamples.quantile(viaHearth, 0.5) / 1e6;
        context.progress().say("command first output p50: direct %.2f ms, Hearth %.2f ms (%d samples)", directP50,
                hearthP50, samples);

        var rows = List.of(Row.measured(Section.COMMANDS.title(), "`" + COMMAND + "`: request to first output (p50)",
                Unit.MILLISECONDS, "direct sh", directP50, hearthP50, new Target.AtMostPlus(ADDED_P50_MILLIS, "direct sh"),
                samples + " sequential commands on one live session, a new connection each; "
                        + rig.hearth().isolation() + " driver"));
        var details = new LinkedHashMap<String, Object>();
        details.put("directNanos", direct);
        details.put("hearthNanos", viaHearth);
        return new SectionResult(rows, details);
    }

    /** Nanoseconds from starting the program on the host to its first stdout byte. */
    private static long firstOutputDirect() throws IOException, InterruptedException {
        long start = System.nanoTime();
        Process process = new ProcessBuilder("/bin/sh", "-c", COMMAND).redirectErrorStream(true).start();
        try (InputStream out = process.getInputStream()) {
            if (out.read() < 0) {
                throw new IOException("/bin/sh -c " + COMMAND + ": no output (expected: a line)");
            }
            long first = System.nanoTime() - start;
            out.transferTo(OutputStream.nullOutputStream());
            process.waitFor();
            return first;
        }
    }

    /** Nanoseconds from sending the command to the arrival of its first output event; reads the stream to its end. */
    private static long firstOutputViaHearth(InetSocketAddress hearth, String path, byte[] body, String session)
            throws IOException {
        byte[] request = BenchAuth.request("POST", hearth, path, "application/json", body, HearthNode.SESSION_HEADER,
                session, "Connection", "close");
        try (var socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(READ_TIMEOUT_MS);
            socket.connect(hearth, READ_TIMEOUT_MS);
            long start = System.nanoTime();
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            var seen = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            long first = -1;
            for (int read; (read = in.read(buffer)) >= 0; ) {
                seen.write(buffer, 0, read);
                if (first < 0 && seen.toString(StandardCharsets.ISO_8859_1).contains("contentDelta")) {
                    first = System.nanoTime() - start;
                }
            }
            String answer = seen.toString(StandardCharsets.ISO_8859_1);
            if (first < 0 || !answer.startsWith("HTTP/1.1 200") || !answer.contains("contentStop")) {
                throw new IOException("command through Hearth: " + answer.lines().findFirst().orElse("no answer")
                        + " (expected: 200 with an output event and contentStop)");
            }
            return first;
        }
    }
}
