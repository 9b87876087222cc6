package io.hearth.session;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A snapshot of one session for APIs: live or recently ended. {@code tenant} is the account that owns its runtime,
 * {@code owner} the principal that opened it; {@code idleTimeout} and {@code maxLifetime} are its deployment's limits.
 */
public record SessionInfo(
        String runtimeId,
        String endpointName,
        String version,
        String sessionId,
        String sandboxId,
        String driver,
        SessionState state,
        Instant createdAt,
        Optional<Instant> readyAt,
        Instant lastActivityAt,
        int inFlight,
        Optional<String> agentStatus,
        Optional<Instant> endedAt,
        Optional<String> endReason,
        Optional<String> endDetail,
        String logFile,
        Optional<String> agentAddress,
        String tenant,
        String owner,
        Duration idleTimeout,
        Duration maxLifetime) {}
