package io.hearth.sandbox.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * What an isolating driver writes beside each sandbox, before it makes any of the sandbox's host resources, so that
 * a later run can find and remove them after a crash: the network slot and, once started, the launcher's pid and
 * start instant (which together survive pid reuse). Cgroups, mounts and runsc state are found by the sandbox id.
 */
record SandboxRecord(String driver, String id, int slot, long pid, Instant started) {
    private static final String FILE = "sandbox.properties";

    SandboxRecord {
        Objects.requireNonNull(driver, "driver");
        SandboxIdCheck.require(id);
        Objects.requireNonNull(started, "started");
    }

    SandboxRecord withProcess(ProcessHandle process) {
        return new SandboxRecord(driver, id, slot, process.pid(), process.info().startInstant().orElse(Instant.EPOCH));
    }

    void write(Path dir) {
        var props = new Properties();
        props.setProperty("driver", driver);
        props.setProperty("id", id);
        props.setProperty("slot", Integer.toString(slot));
        props.setProperty("pid", Long.toString(pid));
        props.setProperty("started", started.toString());
        Path tmp = dir.resolve(FILE + ".tmp");
        try (var out = Files.newOutputStream(tmp)) {
            props.store(out, null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record sandbox " + id + " in " + dir, e);
        }
        try {
            Files.move(tmp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record sandbox " + id + " in " + dir, e);
        }
    }

    static Optional<SandboxRecord> read(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        var props = new Properties();
        try (var in = Files.newInputStream(file)) {
            props.load(in);
            return Optional.of(new SandboxRecord(
                    props.getProperty("driver"),
                    props.getProperty("id"),
                    Integer.parseInt(props.getProperty("slot")),
                    Long.parseLong(props.getProperty("pid")),
                    Instant.parse(props.getProperty("started"))));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The recorded launcher, if it still runs and is the same process (same start instant). */
    Optional<ProcessHandle> liveProcess() {
        if (pid <= 0) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().startInstant().map(started::equals).orElse(false));
    }
}
