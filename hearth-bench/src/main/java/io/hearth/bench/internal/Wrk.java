package io.hearth.bench.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load from Debian's {@code wrk}, one native generator for every target, so that no target shares a JVM, a garbage
 * collector or a JIT with the client driving it. Each run writes a small Lua script: thread {@code k} connects to
 * address {@code k} (modulo their count) and sends request {@code k} on each of its connections, raw bytes prepared
 * beforehand (for Hearth: signed once per session; a signature stays valid for 15 minutes, far longer than a run).
 * wrk's own histogram gives the percentiles; its {@code done} hook prints them on one line this class parses.
 */
public final class Wrk {
    private static final Path DEBIAN = Path.of("/usr/bin/wrk");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern SUMMARY = Pattern.compile("hearth-wrk requests=(\\d+) duration_us=(\\d+) connect=(\\d+)"
            + " read=(\\d+) write=(\\d+) status=(\\d+) timeout=(\\d+) p50_us=([\\d.]+) p99_us=([\\d.]+)");

    private Wrk() {}

    /** The wrk binary: Debian's, else one on the PATH. */
    public static Optional<Path> binary() {
        if (Files.isExecutable(DEBIAN)) {
            return Optional.of(DEBIAN);
        }
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        for (String dir : path.split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "wrk");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** {@code wrk debian/4.1.0-3+b2 [epoll]}, from {@code wrk -v}. */
    public static String version(Path wrk) {
        try {
            Process process = new ProcessBuilder(wrk.toString(), "-v").redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor(10, TimeUnit.SECONDS);
            String first = out.lines().findFirst().orElse("wrk").strip();
            int copyright = first.indexOf(" Copyright");
            return copyright > 0 ? first.substring(0, copyright) : first;
        } catch (IOException e) {
            return "wrk (version unknown: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "wrk (version unknown)";
        }
    }

    /** Whole seconds, as wrk's {@code -d} takes them; at least one. */
    public static long seconds(Duration duration) {
        return Math.max(1, (duration.toMillis() + 999) / 1000);
    }

    /** The flags a run uses, as its rows print them. */
    public static String flags(int threads, int connections, Duration duration) {
        return "wrk -t" + threads + " -c" + connections + " -d" + seconds(duration) + "s";
    }

    /**
     * One closed-loop run.
     *
     * @param addresses   where thread {@code k} connects: {@code addresses[k % size]}
     * @param requests    what thread {@code k} sends, again and again: {@code requests[k % size]}, a whole HTTP/1.1
     *                    request with its {@code Host}
     * @param threads     wrk threads; at most {@code connections}
     * @param scratch     where the script is written (and removed after the run)
     */
    public static LoadResult run(Path wrk, String target, List<InetSocketAddress> addresses, List<byte[]> requests,
            int threads, int connections, Duration duration, Path scratch) {
        if (addresses.isEmpty() || requests.isEmpty()) {
            throw new IllegalArgumentException("addresses / requests: " + addresses.size() + " / " + requests.size()
                    + " (expected: at least one each)");
        }
        if (threads < 1 || threads > connections) {
            throw new IllegalArgumentException("threads: " + threads + " (expected: 1 to connections = " + connections + ")");
        }
        String flags = flags(threads, connections, duration);
        Path script;
        try {
            Files.createDirectories(scratch);
            script = Files.createTempFile(scratch, "wrk-" + target + "-", ".lua");
            Files.writeString(script, script(addresses, requests), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write wrk's script into " + scratch + ": " + e.getMessage(), e);
        }
        try {
            var command = List.of(wrk.toString(), "-t" + threads, "-c" + connections, "-d" + seconds(duration) + "s",
                    "--timeout", TIMEOUT.toSeconds() + "s", "-s", script.toString(),
                    "http://" + Ports.hostPort(addresses.getFirst()) + "/");
            String out = execute(command, seconds(duration) + TIMEOUT.toSeconds() + 30);
            Matcher m = SUMMARY.matcher(out);
            if (!m.find()) {
                throw new IllegalStateException(flags + " against " + target + ": no summary line in its output: " + out.strip());
            }
            long completed = Long.parseLong(m.group(1));
            double seconds = Long.parseLong(m.group(2)) / 1e6;
            long connect = Long.parseLong(m.group(3));
            long read = Long.parseLong(m.group(4));
            long write = Long.parseLong(m.group(5));
            long status = Long.parseLong(m.group(6));
            long timeout = Long.parseLong(m.group(7));
            long ok = Math.max(0, completed - status);
            long errors = status + connect + read + write + timeout;
            String what = errors == 0 ? "" : String.format(java.util.Locale.ROOT,
                    "%d non-2xx, connect %d, read %d, write %d, timeout %d", status, connect, read, write, timeout);
            return new LoadResult(target, connections, ok, errors, Math.max(seconds, 1e-3), ok / Math.max(seconds, 1e-3),
                    Double.parseDouble(m.group(8)), Double.parseDouble(m.group(9)), what, flags);
        } finally {
            try {
                Files.deleteIfExists(script);
            } catch (IOException e) {
                // the scratch directory goes at the end of the run anyway
            }
        }
    }

    private static String execute(List<String> command, long timeoutSeconds) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
            var out = new StringBuilder();
            // wrk writes a few lines only at the end, but a thread reads them so a full pipe can never stall it.
            Thread reader = Thread.ofPlatform().name("bench-wrk-output").daemon().start(() -> {
                try {
                    out.append(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    out.append("(cannot read wrk's output: ").append(e.getMessage()).append(')');
                }
            });
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new IllegalStateException(String.join(" ", command) + ": still running after " + timeoutSeconds + " s");
            }
            reader.join(5_000);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + ": exit " + process.exitValue() + ": " + out.toString().strip());
            }
            return out.toString();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.getFirst() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(command.getFirst() + ": interrupted", e);
        }
    }

    /**
     * The Lua script. Non-2xx answers are counted from wrk's own {@code errors.status} (it counts status 400 and
     * above; these targets answer nothing in 1xx or 3xx), so no {@code response} hook slows the generator down.
     */
    static String script(List<InetSocketAddress> addresses, List<byte[]> requests) {
        var lua = new StringBuilder();
        lua.append("-- written by the Hearth bench for one wrk run\n");
        lua.append("local addrs = {");
        for (InetSocketAddress address : addresses) {
            lua.append(" {").append(quote(address.getAddress().getHostAddress().getBytes(StandardCharsets.ISO_8859_1)))
                    .append(", \"").append(address.getPort()).append("\"},");
        }
        lua.append(" }\nlocal reqs = {\n");
        for (byte[] request : requests) {
            lua.append("  ").append(quote(request)).append(",\n");
        }
        lua.append("}\n");
        lua.append("""
                local started = 0
                function setup(thread)
                  started = started + 1
                  local a = addrs[(started - 1) % #addrs + 1]
                  thread.addr = wrk.lookup(a[1], a[2])[1]
                  thread:set("index", started - 1)
                end
                local req
                function init(args)
                  req = reqs[index % #reqs + 1]
                end
                function request()
                  return req
                end
                function done(summary, latency, requests)
                  local e = summary.errors
                  io.write(string.format("hearth-wrk requests=%d duration_us=%d connect=%d read=%d write=%d status=%d timeout=%d p50_us=%.1f p99_us=%.1f\\n",
                    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
                    latency:percentile(50), latency:percentile(99)))
                end
                """);
        return lua.toString();
    }

    /** A Lua string literal of exactly these bytes (long brackets would turn CRLF into LF). */
    private static String quote(byte[] bytes) {
        var out = new StringBuilder(bytes.length + 16).append('"');
        for (byte b : bytes) {
            int c = b & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                out.append((char) c);
            } else {
                out.append('\\').append(String.format("%03d", c));
            }
        }
        return out.append('"').toString();
    }
}
