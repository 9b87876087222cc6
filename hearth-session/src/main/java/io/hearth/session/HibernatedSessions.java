package io.hearth.session;

import static java.util.Objects.requireNonNull;

import io.hearth.api.FileTrees;
import io.hearth.api.Json;
import io.hearth.sandbox.HibernationImage;
import io.hearth.sandbox.HibernationKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Hibernated sessions on disk, one directory each under the settings' directory: {@code session.json} (the record)
 * and {@code image/} (what the sandbox left). A directory without a complete record is an interrupted hibernation
 * and is removed at start-up; records are read back then, so hibernated sessions outlive the server.
 */
final class HibernatedSessions {
    private static final Logger LOG = LoggerFactory.getLogger(HibernatedSessions.class);
    private static final String RECORD = "session.json";

    private final Path root;
    private final Map<SessionKey, HibernatedSession> byKey = new ConcurrentHashMap<>();

    HibernatedSessions(Path root) {
        this.root = requireNonNull(root, "root");
        try {
            Files.createDirectories(root);
            try (var dirs = Files.list(root)) {
                for (Path dir : dirs.toList()) {
                    load(dir);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read hibernated sessions in " + root, e);
        }
        if (!byKey.isEmpty()) {
            LOG.info("{} hibernated sessions found in {}", byKey.size(), root);
        }
    }

    Optional<HibernatedSession> find(SessionKey key) {
        return Optional.ofNullable(byKey.get(key));
    }

    List<HibernatedSession> all() {
        return List.copyOf(byKey.values());
    }

    /** A fresh, empty directory for this session's next image (an older one of the same session is replaced). */
    Path imageDir(SessionKey key) {
        Path dir = dirOf(key);
        delete(dir);
        return dir.resolve("image");
    }

    /** Records a hibernation whose image is complete; written beside it, then renamed, so a crash leaves none or all. */
    void add(HibernatedSession session) {
        Path dir = dirOf(session.key());
        Path record = dir.resolve(RECORD);
        Path partial = dir.resolve(RECORD + ".new");
        try {
            Files.write(partial, Json.write(toJson(session)));
            Files.move(partial, record, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record hibernated session in " + record, e);
        }
        byKey.put(session.key(), session);
    }

    /** Forgets the session and deletes its image; false when it was not hibernated. */
    boolean remove(SessionKey key) {
        HibernatedSession gone = byKey.remove(key);
        delete(dirOf(key));
        return gone != null;
    }

    /** Removes a hibernation that did not complete (its directory may hold part of an image). */
    void discard(SessionKey key) {
        if (!byKey.containsKey(key)) {
            delete(dirOf(key));
        }
    }

    private Path dirOf(SessionKey key) {
        return root.resolve(digest(key.runtimeId() + "\n" + key.endpointName() + "\n" + key.owner() + "\n" + key.sessionId()));
    }

    private void load(Path dir) {
        Path record = dir.resolve(RECORD);
        try {
            if (!Files.isRegularFile(record)) {
                LOG.warn("removing {}: an interrupted hibernation (no {})", dir, RECORD);
                delete(dir);
                return;
            }
            HibernatedSession session = fromJson(Json.tree(Files.readAllBytes(record)), dir.resolve("image"));
            byKey.put(session.key(), session);
        } catch (IOException | RuntimeException e) {
            LOG.warn("removing {}: its record cannot be read ({})", dir, e.toString());
            delete(dir);
        }
    }

    private static Map<String, Object> toJson(HibernatedSession s) {
        var json = new LinkedHashMap<String, Object>();
        json.put("runtimeId", s.key().runtimeId());
        json.put("endpointName", s.key().endpointName());
        json.put("owner", s.key().owner());
        json.put("sessionId", s.key().sessionId());
        json.put("version", s.version());
        json.put("tenant", s.tenant());
        json.put("driver", s.driver());
        json.put("kind", s.image().kind().name());
        json.put("bytes", s.image().bytes());
        json.put("uid", s.image().uid());
        json.put("gid", s.image().gid());
        json.put("createdAt", s.createdAt().toString());
        json.put("hibernatedAt", s.hibernatedAt().toString());
        json.put("liveTimeMillis", s.liveTime().toMillis());
        json.put("expiresAt", s.expiresAt().toString());
        return json;
    }

    private static HibernatedSession fromJson(JsonNode json, Path image) {
        var key = new SessionKey(text(json, "runtimeId"), text(json, "endpointName"), text(json, "owner"),
                text(json, "sessionId"));
        var saved = new HibernationImage(image, HibernationKind.valueOf(text(json, "kind")), json.path("bytes").longValue(),
                json.path("uid").intValue(), json.path("gid").intValue());
        return new HibernatedSession(key, text(json, "version"), text(json, "tenant"), text(json, "driver"), saved,
                Instant.parse(text(json, "createdAt")), Instant.parse(text(json, "hibernatedAt")),
                Duration.ofMillis(json.path("liveTimeMillis").longValue()), Instant.parse(text(json, "expiresAt")));
    }

    private static String text(JsonNode json, String field) {
        String value = json.path(field).stringValue(null);
        if (value == null) {
            throw new IllegalArgumentException(field + ": missing (expected: a string)");
        }
        return value;
    }

    private static void delete(Path dir) {
        try {
            FileTrees.delete(dir);
        } catch (IOException e) {
            LOG.warn("cannot remove {}", dir, e);
        }
    }

    static String digest(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
