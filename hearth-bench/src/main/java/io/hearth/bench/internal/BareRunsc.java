package io.hearth.bench.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gVisor baseline: the agent under {@code runsc run} started by hand, with the host's root read-only (its code
 * included, wherever it is), the host's
 * network ({@code --network=host}, so it listens on loopback) and no cgroups. Everything Hearth's gvisor driver
 * adds on top (its own rootfs, veth and netns, cgroup limits) is what the cold-start row charges to Hearth.
 */
public final class BareRunsc {
    private static final AtomicInteger IDS = new AtomicInteger();

    private final Path runsc;
    private final Path root;
    private final Path bundles;

    public BareRunsc(Path runsc, Path workDir) {
        this.runsc = runsc;
        this.root = workDir.resolve("runsc-root");
        this.bundles = workDir.resolve("runsc-bundles");
        try {
            Files.createDirectories(root);
            Files.createDirectories(bundles);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + workDir + " for bare runsc: " + e.getMessage(), e);
        }
    }

    /** Where runsc is: Hearth's driver uses the one on PATH; so does the baseline. */
    public static Path find() {
        for (String dir : List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")) {
            Path candidate = Path.of(dir, "runsc");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("runsc: not found in /usr/local/bin, /usr/bin, /bin (expected: installed with gVisor)");
    }

    /** One container: its id and the program that runs {@code agent} in it on {@code port}. */
    public record Container(String id, AgentProgram program) {}

    public Container prepare(AgentProgram agent, int port) {
        String id = "bench-bare-" + IDS.incrementAndGet();
        Path bundle = bundles.resolve(id);
        var env = new ArrayList<String>();
        env.add("PATH=/usr/local/bin:/usr/bin:/bin");
        env.add("PORT=" + port);
        agent.environment().forEach((k, v) -> env.add(k + "=" + v));
        var spec = new LinkedHashMap<String, Object>();
        spec.put("ociVersion", "1.0.0");
        spec.put("process", Map.of("terminal", false, "user", Map.of("uid", 0, "gid", 0), "args", agent.command(),
                "env", env, "cwd", agent.workDir().toAbsolutePath().toString()));
        spec.put("root", Map.of("path", "/", "readonly", true));
        spec.put("hostname", "bare");
        spec.put("mounts", List.of(
                Map.of("destination", "/proc", "type", "proc", "source", "proc"),
                Map.of("destination", "/dev", "type", "tmpfs", "source", "tmpfs")));
        // No network namespace: with --network=host the agent's sockets are the host's, on loopback.
        spec.put("linux", Map.of("namespaces", List.of(Map.of("type", "pid"), Map.of("type", "ipc"),
                Map.of("type", "uts"), Map.of("type", "mount"))));
        try {
            Files.createDirectories(bundle);
            Files.writeString(bundle.resolve("config.json"), Json.pretty(spec));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the bundle " + bundle + ": " + e.getMessage(), e);
        }
        var command = List.of(runsc.toString(), "--root", root.toString(), "--platform=ptrace", "--network=host",
                "--ignore-cgroups", "run", "--bundle", bundle.toString(), id);
        return new Container(id, new AgentProgram(command, agent.workDir(), Map.of()));
    }

    /** Removes what runsc keeps of a stopped container; not timed. */
    public void remove(Container container) {
        try {
            var process = new ProcessBuilder(runsc.toString(), "--root", root.toString(), "delete", "--force", container.id())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException e) {
            // state of a stopped container under the bench's scratch directory, deleted with it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
