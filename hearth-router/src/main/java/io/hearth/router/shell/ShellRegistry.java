package io.hearth.router.shell;

import static java.util.Objects.requireNonNull;

import io.hearth.api.ApiException;
import io.hearth.api.Workers;
import io.hearth.sandbox.ExecSpec;
import io.hearth.sandbox.ExecSpec.TerminalSize;
import io.hearth.sandbox.SandboxProcess;
import io.hearth.session.SessionKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The node's live shells, by session and shell id. A client asking for a shell id its session already runs
 * reattaches to that shell; otherwise a new one starts in the session's sandbox. Shells die with their sandbox, when
 * no client reattached within the reconnect window, when a client sends 0xFF, and when the server stops.
 */
public final class ShellRegistry implements AutoCloseable {
    /**
     * What a shell runs: bash where the sandbox has it, else sh, interactive on its terminal; the sandbox gives it
     * the agent's working directory and environment.
     */
    static final List<String> LOGIN = List.of("/bin/sh", "-c", "if [ -x /bin/bash ]; then exec /bin/bash; fi; exec /bin/sh");
    /** The terminal's size until the client sends its own. */
    static final TerminalSize INITIAL_SIZE = new TerminalSize(80, 24);

    private final ShellSettings settings;
    private final Map<ShellKey, LiveShell> shells = new HashMap<>();
    /**
     * Each shell's terminal reader, for the shell's life, and writes to terminals (one at a time per socket). Platform
     * threads: a terminal is read and written with blocking native calls, which hold a virtual thread's carrier for
     * as long as they wait, so that two idle shells would stall every virtual thread of a two-core server.
     */
    private final ThreadPoolExecutor terminals;
    /** Attaching (with its replay), resizes and kills. */
    private final Workers tasks;
    private final ScheduledExecutorService ticker;
    private boolean closed;

    public ShellRegistry(ShellSettings settings) {
        this.settings = requireNonNull(settings, "settings");
        this.terminals = new ThreadPoolExecutor(0, 2 * settings.maxShells(), 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                Thread.ofPlatform().daemon().name("hearth-shell-terminal-", 0).factory());
        this.tasks = Workers.bounded("hearth-shell", settings.maxShells(), 4 * settings.maxShells());
        this.ticker = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("hearth-shell-ticker").factory());
    }

    public ShellSettings settings() {
        return settings;
    }

    /** The shell a client will attach to once its socket is open: found running, or started now. */
    record Opened(LiveShell shell, boolean reconnected) {}

    /**
     * Finds the session's shell of that id, or starts one with {@code exec} in the sandbox {@code sandboxId}. A shell
     * of that id left from an earlier sandbox of the session (its session ended and began again) is ended first.
     *
     * @throws ApiException.Throttling when the node runs its limit of shells
     * @throws io.hearth.sandbox.SandboxException when the sandbox cannot start the shell
     */
    Opened open(SessionKey session, ShellId id, String sandboxId, Function<ExecSpec, SandboxProcess> exec) {
        var key = new ShellKey(session, id);
        LiveShell stale = null;
        try {
            synchronized (this) {
                if (closed) {
                    throw new ApiException.Throttling("The server is shutting down; no new shells");
                }
                LiveShell found = shells.get(key);
                if (found != null && (found.finished() || !found.sandboxId.equals(sandboxId))) {
                    shells.remove(key);
                    stale = found.finished() ? null : found;
                    found = null;
                }
                if (found != null) {
                    return new Opened(found, true);
                }
                if (shells.size() >= settings.maxShells()) {
                    throw new ApiException.Throttling("Rate exceeded: this node runs " + shells.size()
                            + " shells (expected: at most " + settings.maxShells() + "); close one or retry later");
                }
                SandboxProcess process = exec.apply(new ExecSpec(LOGIN, Map.of("TERM", "xterm-256color"),
                        Optional.of(INITIAL_SIZE)));
                LiveShell[] made = new LiveShell[1];
                made[0] = new LiveShell(key, sandboxId, process, settings, ticker, tasks, () -> forget(key, made[0]));
                try {
                    terminals.execute(made[0]::pump);
                } catch (RejectedExecutionException e) {
                    process.close();
                    throw new ApiException.Throttling("Rate exceeded: too many shells on this node (" + e.getMessage() + ")");
                }
                shells.put(key, made[0]);
                made[0].awaitClient();
                return new Opened(made[0], false);
            }
        } finally {
            if (stale != null) {
                stale.terminate(LiveShell.GOING_AWAY, "the session's sandbox was replaced");
            }
        }
    }

    /** Runs a step of a socket that may wait (attach, resize) off the network thread. */
    void execute(Runnable task) {
        tasks.execute(task);
    }

    /** Runs a write to a terminal, which may wait for the program to read, off the network thread. */
    void write(Runnable task) {
        terminals.execute(task);
    }

    private synchronized void forget(ShellKey key, LiveShell shell) {
        shells.remove(key, shell);
    }

    /** Kills every shell; their clients are closed with 1001. */
    public void close(Duration grace) {
        List<LiveShell> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(shells.values());
            shells.clear();
        }
        for (LiveShell shell : all) {
            shell.terminate(LiveShell.GOING_AWAY, "the server is shutting down");
        }
        ticker.shutdownNow();
        tasks.close(grace);
        terminals.shutdown();
        try {
            // Readers end once their terminals close, which the kills above bring about.
            terminals.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(2));
    }
}
