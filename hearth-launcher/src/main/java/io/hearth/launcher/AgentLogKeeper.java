package io.hearth.launcher;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps agents' logs bounded: rotates a live sandbox's log into {@code <file>.1} once it passes the size cap, and
 * deletes the logs of ended sandboxes once their retention has passed.
 *
 * <p>The agent's stdout and stderr are the log file itself, opened for appending on the host side by the driver, so
 * rotation copies the file's last {@code maxFileBytes} and truncates it: the agent's next write lands at the start
 * of the emptied file. What the agent writes between the copy and the truncation is lost, and a live file can pass
 * the cap by what the agent writes in one check period (a second).
 */
public final class AgentLogKeeper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentLogKeeper.class);
    /** How often live logs are checked against the size cap. */
    static final Duration ROTATION_CHECK = Duration.ofSeconds(1);

    private final Path logsDir;
    private final Supplier<Set<Path>> liveLogs;
    private final AgentLogSettings settings;
    private final Clock clock;
    private final ScheduledExecutorService ticker;

    public AgentLogKeeper(SandboxLauncher launcher, AgentLogSettings settings, Clock clock) {
        this(launcher.logsDir(), launcher::liveLogs, settings, clock);
    }

    public AgentLogKeeper(Path logsDir, Supplier<Set<Path>> liveLogs, AgentLogSettings settings, Clock clock) {
        this.logsDir = requireNonNull(logsDir, "logsDir");
        this.liveLogs = requireNonNull(liveLogs, "liveLogs");
        this.settings = requireNonNull(settings, "settings");
        this.clock = requireNonNull(clock, "clock");
        // The ticker only stats and moves a few files: one platform thread keeps both cadences.
        this.ticker = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("hearth-agent-logs").factory());
    }

    /** Starts both cadences; the first sweep runs at once, for what a previous run left. */
    public AgentLogKeeper start() {
        long rotate = ROTATION_CHECK.toMillis();
        ticker.scheduleWithFixedDelay(this::rotateLive, rotate, rotate, TimeUnit.MILLISECONDS);
        ticker.scheduleWithFixedDelay(this::sweep, 0, settings.sweepInterval().toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    public AgentLogSettings settings() {
        return settings;
    }

    /** Records when a sandbox's log stopped being written to: its retention counts from here. */
    static void markEnded(Path log) {
        try {
            Files.setLastModifiedTime(log, FileTime.from(Instant.now()));
        } catch (IOException | UncheckedIOException ignored) {
            // no log was ever written (the agent never started): nothing to keep
        }
    }

    void rotateLive() {
        for (Path log : List.copyOf(liveLogs.get())) {
            try {
                rotateIfOver(log);
            } catch (IOException | RuntimeException e) {
                LOG.warn("agent log {}: rotation failed: {}", log, e.toString());
            }
        }
    }

    private void rotateIfOver(Path log) throws IOException {
        long size;
        try {
            size = Files.size(log);
        } catch (NoSuchFileException e) {
            return;
        }
        if (size <= settings.maxFileBytes()) {
            return;
        }
        Path rotated = AgentLogSettings.rotated(log);
        Path partial = log.resolveSibling(log.getFileName() + ".1.part");
        try (FileChannel from = FileChannel.open(log, StandardOpenOption.READ);
                FileChannel to = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
            long start = Math.max(0, size - settings.maxFileBytes());
            for (long at = start; at < size; ) {
                at += from.transferTo(at, size - at, to);
            }
        }
        Files.move(partial, rotated, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        // The agent's descriptor appends: after this its next write starts the file again.
        try (FileChannel truncate = FileChannel.open(log, StandardOpenOption.WRITE)) {
            truncate.truncate(0);
        }
    }

    /** Deletes every log, rotated ones included, of a sandbox that ended more than the retention ago. */
    void sweep() {
        Instant cutoff = clock.instant().minus(settings.retention());
        Set<Path> live = Set.copyOf(liveLogs.get());
        try (Stream<Path> runtimes = Files.list(logsDir)) {
            for (Path runtime : runtimes.filter(Files::isDirectory).toList()) {
                sweepRuntime(runtime, live, cutoff);
            }
        } catch (NoSuchFileException e) {
            // no agent has run yet
        } catch (IOException | RuntimeException e) {
            LOG.warn("agent logs in {}: sweep failed: {}", logsDir, e.toString());
        }
    }

    private void sweepRuntime(Path runtime, Set<Path> live, Instant cutoff) throws IOException {
        try (Stream<Path> files = Files.list(runtime)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                Path log = name.endsWith(".log.1") || name.endsWith(".log.1.part")
                        ? file.resolveSibling(name.substring(0, name.indexOf(".log.1") + 4)) : file;
                if (live.contains(log)) {
                    continue;
                }
                if (!lastWritten(log, file).isAfter(cutoff)) {
                    Files.deleteIfExists(file);
                }
            }
        }
        if (Files.getLastModifiedTime(runtime).toInstant().isBefore(cutoff)) {
            try {
                Files.deleteIfExists(runtime);
            } catch (DirectoryNotEmptyException ignored) {
                // a runtime with logs still kept
            }
        }
    }

    private static Instant lastWritten(Path log, Path file) {
        try {
            return Files.getLastModifiedTime(Files.exists(log) ? log : file).toInstant();
        } catch (IOException e) {
            return Instant.MAX;
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }
}
