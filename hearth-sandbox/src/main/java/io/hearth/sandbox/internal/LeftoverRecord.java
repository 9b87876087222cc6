package io.hearth.sandbox.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;

/**
 * What the process driver writes beside each sandbox so that a later run can find its process after a crash:
 * the pid and its start instant, which together survive pid reuse.
 */
record LeftoverRecord(long pid, Instant started) {
    private static final String FILE = "sandbox.properties";

    static void write(Path dir, ProcessHandle process) {
        var props = new Properties();
        props.setProperty("pid", Long.toString(process.pid()));
        props.setProperty("started", process.info().startInstant().map(Instant::toString).orElse(""));
        try (var out = Files.newOutputStream(dir.resolve(FILE))) {
            props.store(out, null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record sandbox process in " + dir, e);
        }
    }

    static Optional<LeftoverRecord> read(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        var props = new Properties();
        try (var in = Files.newInputStream(file)) {
            props.load(in);
            String started = props.getProperty("started", "");
            return Optional.of(new LeftoverRecord(
                    Long.parseLong(props.getProperty("pid")), started.isEmpty() ? Instant.EPOCH : Instant.parse(started)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The recorded process, if it still runs and is the same process (same start instant). */
    Optional<ProcessHandle> liveProcess() {
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().startInstant().map(started::equals).orElse(false));
    }
}
