package io.hearth.session;

import static java.util.Objects.requireNonNull;

import io.hearth.api.FileTrees;
import io.hearth.deployment.Deployment;
import io.hearth.sandbox.SessionStorageMount;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Session storage on the host: {@code <root>/<runtime id>/<session digest>/} holds {@code data/} (the files, as the
 * last sandbox of the session left them) and {@code version} (the runtime version that wrote them; its modification
 * time is when the session last started). Another version resets the files, as AgentCore does; storage unused for the
 * idle expiry is deleted.
 */
final class SessionStorages {
    private static final Logger LOG = LoggerFactory.getLogger(SessionStorages.class);

    private final Path root;
    private final Duration idleExpiry;
    private final long defaultBytes;

    SessionStorages(Path root, Duration idleExpiry, long defaultBytes) {
        this.root = requireNonNull(root, "root");
        this.idleExpiry = requireNonNull(idleExpiry, "idleExpiry");
        this.defaultBytes = defaultBytes;
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + root, e);
        }
    }

    /** The storage a new sandbox of this session mounts, when its runtime has one; resets it on a version change. */
    Optional<SessionStorageMount> mountFor(SessionKey key, Deployment d) {
        if (d.sessionStorage().isEmpty()) {
            return Optional.empty();
        }
        Path dir = dirOf(key);
        Path version = dir.resolve("version");
        try {
            Files.createDirectories(dir);
            if (Files.isRegularFile(version) && !Files.readString(version).equals(d.version())) {
                LOG.info("session storage of {} reset: written by version {}, the session now runs version {}",
                        key.sessionId(), Files.readString(version), d.version());
                FileTrees.delete(dir.resolve("data"));
            }
            Files.writeString(version, d.version());
            Files.setLastModifiedTime(version, FileTime.from(Instant.now()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the session storage in " + dir, e);
        }
        long bytes = d.settings().sessionStorageMiB().isPresent() ? d.settings().sessionStorageMiB().getAsLong() << 20
                : defaultBytes;
        return Optional.of(new SessionStorageMount(dir.resolve("data"), d.sessionStorage().get(), bytes));
    }

    /** Deletes storage whose session has not started for the idle expiry; returns how many. */
    int sweep(Instant now) {
        int removed = 0;
        try (var runtimes = Files.list(root)) {
            for (Path runtime : runtimes.toList()) {
                try (var sessions = Files.list(runtime)) {
                    for (Path session : sessions.toList()) {
                        Path version = session.resolve("version");
                        Instant used = Files.exists(version) ? Files.getLastModifiedTime(version).toInstant()
                                : Files.getLastModifiedTime(session).toInstant();
                        if (Duration.between(used, now).compareTo(idleExpiry) >= 0) {
                            FileTrees.delete(session);
                            removed++;
                        }
                    }
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot sweep session storage in {}", root, e);
        }
        if (removed > 0) {
            LOG.info("deleted the session storage of {} sessions unused for {} s", removed, idleExpiry.toSeconds());
        }
        return removed;
    }

    /** A deleted runtime's sessions keep nothing. */
    void runtimeDeleted(String runtimeId) {
        FileTrees.deleteQuietly(root.resolve(runtimeId));
    }

    private Path dirOf(SessionKey key) {
        return root.resolve(key.runtimeId()).resolve(HibernatedSessions.digest(key.owner() + "\n" + key.sessionId()));
    }
}
