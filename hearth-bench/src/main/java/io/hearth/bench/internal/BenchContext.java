package io.hearth.bench.internal;

import io.hearth.api.FileTrees;
import io.hearth.bench.BenchConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * What the measurements share: the configuration, a scratch directory, the agents, one HTTP client for Hearth's
 * APIs, the main Hearth server (process isolation) and the warm proxy rig, both started on first use.
 */
public final class BenchContext implements AutoCloseable {
    private final BenchConfig config;
    private final Progress progress;
    private final Path workDir;
    private final AgentArtifacts artifacts;
    private final HttpClient http;
    private HearthNode hearth;
    private ProxyRig rig;

    public BenchContext(BenchConfig config, Progress progress) {
        this.config = config;
        this.progress = progress;
        try {
            this.workDir = Files.createTempDirectory("hearth-bench-");
            Files.createDirectories(workDir.resolve("logs"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the bench's scratch directory: " + e.getMessage(), e);
        }
        this.artifacts = new AgentArtifacts(config.repoRoot(), workDir);
        this.http = new HttpClient();
        var threads = new QueuedThreadPool(32, 2);
        threads.setName("bench-http");
        http.setExecutor(threads);
        http.setMaxConnectionsPerDestination(256);
        http.setIdleTimeout(60_000);
        try {
            http.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the bench's HTTP client: " + e.getMessage(), e);
        }
    }

    public BenchConfig config() {
        return config;
    }

    public Progress progress() {
        return progress;
    }

    public Path workDir() {
        return workDir;
    }

    public Path logFile(String name) {
        return workDir.resolve("logs").resolve(name + ".log");
    }

    public AgentArtifacts artifacts() {
        return artifacts;
    }

    public HttpClient http() {
        return http;
    }

    /** The main Hearth server, process isolation, started on first use. */
    public HearthNode hearth() {
        if (hearth == null) {
            hearth = HearthNode.start("process", workDir.resolve("hearth-data"), http);
            progress.say("Hearth started in its own process, pid %d, open-file limit %d: %s", hearth.pid(),
                    hearth.openFileLimit(), hearth.commandLine());
        }
        return hearth;
    }

    /** Bare Java agents and as many Hearth sessions of the same agent, started on first use. */
    public ProxyRig rig() {
        if (rig == null) {
            rig = ProxyRig.start(this);
        }
        return rig;
    }

    @Override
    public void close() {
        if (rig != null) {
            rig.close();
        }
        if (hearth != null) {
            hearth.close();
        }
        try {
            http.stop();
        } catch (Exception e) {
            // the run is over; a client that does not stop cleanly changes no figure
        }
        if (Boolean.getBoolean("hearth.bench.keepWork")) {
            progress.say("scratch directory kept: %s", workDir);
        } else {
            FileTrees.deleteQuietly(workDir);
        }
    }
}
