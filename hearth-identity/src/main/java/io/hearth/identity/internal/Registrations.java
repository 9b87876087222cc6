package io.hearth.identity.internal;

import io.hearth.deployment.AgentIdentity;
import java.net.InetAddress;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** Which sandbox runs as which role, and the IMDSv2 session tokens handed out to each. */
public final class Registrations {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A sandbox's own container credentials path and token. */
    public record ContainerGrant(String path, String token) {}

    /** What the service knows of one sandbox. */
    public record Entry(String sandboxId, AgentIdentity identity, Optional<ContainerGrant> grant) {
        public String roleArn() {
            return identity.roleArn().orElseThrow();
        }
    }

    private record SessionToken(String sandboxId, Instant expires) {}

    private final Function<InetAddress, Optional<String>> sandboxAt;
    private final Map<String, Entry> bySandbox = new ConcurrentHashMap<>();
    private final Map<String, Entry> byPath = new ConcurrentHashMap<>();
    private final Map<String, SessionToken> tokens = new ConcurrentHashMap<>();

    public Registrations(Function<InetAddress, Optional<String>> sandboxAt) {
        this.sandboxAt = sandboxAt;
    }

    public void registerSandbox(String sandboxId, AgentIdentity identity) {
        bySandbox.put(sandboxId, new Entry(sandboxId, identity, Optional.empty()));
    }

    public ContainerGrant registerContainer(String sandboxId, AgentIdentity identity) {
        var grant = new ContainerGrant("/credentials/" + random(24), random(32));
        var entry = new Entry(sandboxId, identity, Optional.of(grant));
        bySandbox.put(sandboxId, entry);
        byPath.put(grant.path(), entry);
        return grant;
    }

    public void forget(String sandboxId) {
        Entry entry = bySandbox.remove(sandboxId);
        if (entry != null) {
            entry.grant().ifPresent(g -> byPath.remove(g.path()));
        }
        tokens.values().removeIf(t -> t.sandboxId().equals(sandboxId));
    }

    /** The registered sandbox a connection comes from. */
    Optional<Entry> bySource(InetAddress source) {
        return sandboxAt.apply(source).map(bySandbox::get);
    }

    /** The sandbox a container credentials request is for, if its token is that sandbox's. */
    Optional<Entry> byGrant(String path, String token) {
        Entry entry = byPath.get(path);
        if (entry == null || !MessageDigest.isEqual(
                entry.grant().orElseThrow().token().getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
            return Optional.empty();
        }
        return Optional.of(entry);
    }

    String issueToken(String sandboxId, Instant expires, Instant now) {
        tokens.values().removeIf(t -> t.expires().isBefore(now));
        String token = random(32);
        tokens.put(token, new SessionToken(sandboxId, expires));
        return token;
    }

    boolean validToken(String token, String sandboxId, Instant now) {
        SessionToken known = tokens.get(token);
        return known != null && known.sandboxId().equals(sandboxId) && known.expires().isAfter(now);
    }

    private static String random(int bytes) {
        byte[] value = new byte[bytes];
        RANDOM.nextBytes(value);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(value);
    }
}
