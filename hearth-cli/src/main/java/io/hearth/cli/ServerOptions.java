package io.hearth.cli;

import io.hearth.api.AwsIdentity;
import io.hearth.control.ArtifactSettings;
import io.hearth.control.ExtractionLimits;
import io.hearth.control.S3Settings;
import io.hearth.quota.QuotaSettings;
import io.hearth.quota.RateLimit;
import io.hearth.router.shell.ShellSettings;
import io.hearth.router.websocket.WebSocketSettings;
import io.hearth.auth.AccessKey;
import io.hearth.identity.RoleCredentialSources;
import io.hearth.router.ResumableStreamSettings;
import io.hearth.launcher.AgentLogSettings;
import io.hearth.server.AuthSettings;
import io.hearth.server.ServerConfig;
import io.hearth.session.HibernationPolicy;
import io.hearth.session.SessionSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import picocli.CommandLine.Option;

/** The options every command that runs a server shares. */
public final class ServerOptions {
    @Option(names = "--port", defaultValue = "8080", description = "Port for both planes (0 picks a free one). Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address to listen on. Default: ${DEFAULT-VALUE}.")
    String bind;

    @Option(names = "--data-dir", description = "Where Hearth keeps its database, artifacts and logs. Default: $HEARTH_DATA_DIR or ~/.hearth.")
    Path dataDir;

    @Option(names = "--isolation", defaultValue = "auto",
            description = {"Sandbox driver: gvisor, namespaces, process, or auto (gvisor, else namespaces; never process", "unless asked for). Default: ${DEFAULT-VALUE}."})
    String isolation;

    @Option(names = "--region", defaultValue = "us-east-1", description = "Region in ARNs. Default: ${DEFAULT-VALUE}.")
    String region;

    @Option(names = "--account", defaultValue = "000000000000", description = "12-digit account in ARNs. Default: ${DEFAULT-VALUE}.")
    String account;

    @Option(names = "--max-lifetime-cap", defaultValue = "28800",
            description = "Largest maxLifetime (seconds) a runtime may ask for. Default: ${DEFAULT-VALUE} (AgentCore's).")
    long lifetimeCap;

    @Option(names = "--min-lifecycle", defaultValue = "60", hidden = true,
            description = "Smallest idle timeout / max lifetime accepted, in seconds (lower only for tests).")
    long lifecycleFloor;

    @Option(names = "--max-pooled", defaultValue = "64",
            description = "The most sandboxes warm pools may hold at once, all endpoints together. Default: ${DEFAULT-VALUE}.")
    int maxPooled;

    @Option(names = "--shutdown-grace", defaultValue = "10",
            description = {"Seconds shutdown may take in all (pools, sessions, sandboxes); whatever still runs then is",
                    "stopped. Default: ${DEFAULT-VALUE}."})
    long shutdownGraceSeconds;

    @Option(names = "--ping-interval-ms", defaultValue = "2000", description = "How often live agents are pinged. Default: ${DEFAULT-VALUE}.")
    long pingIntervalMillis;

    @Option(names = "--hibernation-retention", defaultValue = "604800",
            description = {"Seconds a hibernated session is kept before it is deleted, unless its runtime's",
                    "hearth:hibernation:retentionSeconds tag says otherwise. Default: ${DEFAULT-VALUE} (7 days)."})
    long hibernationRetentionSeconds;

    @Option(names = "--session-max-age", defaultValue = "2592000",
            description = {"Seconds a hibernating session may live from its first start, across hibernations, unless",
                    "its runtime's hearth:session:maxAgeSeconds tag says otherwise. Default: ${DEFAULT-VALUE} (30 days)."})
    long sessionMaxAgeSeconds;

    @Option(names = "--hibernated-per-tenant", defaultValue = "100",
            description = "Hibernated sessions one tenant may hold; past it idle sessions end. Default: ${DEFAULT-VALUE}.")
    int hibernatedPerTenant;

    @Option(names = "--hibernated-mib-per-tenant", defaultValue = "20480",
            description = "MiB of hibernated sessions one tenant may hold. Default: ${DEFAULT-VALUE}.")
    long hibernatedMibPerTenant;

    @Option(names = "--session-storage-expiry", defaultValue = "1209600",
            description = {"Seconds a session's sessionStorage is kept unused before it is deleted.",
                    "Default: ${DEFAULT-VALUE} (14 days, as AgentCore)."})
    long sessionStorageExpirySeconds;

    @Option(names = "--agent-log-max-bytes", defaultValue = "10485760",
            description = {"Size at which a sandbox's agent log is rotated into <log>.1 (so it keeps at most about twice",
                    "this). Default: ${DEFAULT-VALUE} (10 MiB). See docs/sessions-logs.md."})
    long agentLogMaxBytes;

    @Option(names = "--agent-log-retention", defaultValue = "86400",
            description = "Seconds an ended session's agent log is kept. Default: ${DEFAULT-VALUE} (24 h).")
    long agentLogRetentionSeconds;

    @Option(names = "--snapshot-templates", defaultValue = "true", arity = "1",
            description = {"Whether new gVisor sessions start from a snapshot of their version's initialised agent",
                    "(runtimes opt out with the hearth:snapshotTemplate=false tag). Default: ${DEFAULT-VALUE}."})
    boolean snapshotTemplates;

    @Option(names = "--readiness-timeout", defaultValue = "60", description = "Seconds a new agent may take to answer /ping. Default: ${DEFAULT-VALUE}.")
    long readinessSeconds;

    @Option(names = "--invocations-per-second", defaultValue = "25",
            description = "InvokeAgentRuntime calls per second per endpoint; beyond them, 429. Default: ${DEFAULT-VALUE}.")
    int invocationsPerSecond;

    @Option(names = "--invocation-burst", defaultValue = "50",
            description = "InvokeAgentRuntime calls one endpoint may make at once above its rate. Default: ${DEFAULT-VALUE}.")
    int invocationBurst;

    @Option(names = "--new-sessions-per-minute", defaultValue = "100",
            description = "New sessions per minute per endpoint; beyond them, 429. Default: ${DEFAULT-VALUE}.")
    int newSessionsPerMinute;

    @Option(names = "--new-session-burst", defaultValue = "100",
            description = "New sessions one endpoint may start at once. Default: ${DEFAULT-VALUE}.")
    int newSessionBurst;

    @Option(names = "--max-active-sessions", defaultValue = "1000",
            description = "Live sessions per account; beyond them, 402. Default: ${DEFAULT-VALUE}.")
    int maxActiveSessions;

    @Option(names = "--max-sessions-per-principal", defaultValue = "0",
            description = {"Live sessions one caller (an access key, or a key acting for one user id) may hold; beyond",
                    "them, 402. 0: no limit but the account's (--max-active-sessions). Default: ${DEFAULT-VALUE}."})
    int maxSessionsPerPrincipal;

    @Option(names = "--invocations-per-principal", defaultValue = "0",
            description = {"InvokeAgentRuntime calls per second one caller may make across endpoints (burst: twice as",
                    "many); beyond them, 429. 0: no limit but the endpoints' rates. Default: ${DEFAULT-VALUE}."})
    int invocationsPerPrincipal;

    @Option(names = "--max-sandboxes", defaultValue = "0",
            description = {"Live sandboxes on this node, pooled ones included; beyond them, 402. 0 derives the cap from",
                    "memory: the sandboxes' memory limits may add up to (MemAvailable - reserve) x overcommit. Default: ${DEFAULT-VALUE}."})
    int maxSandboxes;

    @Option(names = "--memory-reserve-mib", defaultValue = "1024",
            description = "Memory kept for Hearth and the host when the sandbox cap is derived. Default: ${DEFAULT-VALUE}.")
    long memoryReserveMib;

    @Option(names = "--memory-overcommit", defaultValue = "8",
            description = "How many times the memory left the sandboxes' limits may add up to. Default: ${DEFAULT-VALUE}.")
    double memoryOvercommit;

    @Option(names = "--max-cold-starts", defaultValue = "0",
            description = "Cold starts under way at once; 0 means twice the cores. Default: ${DEFAULT-VALUE}.")
    int maxColdStarts;

    @Option(names = "--cold-start-queue", defaultValue = "256",
            description = "Cold starts that may wait for a turn; beyond them, 429. Default: ${DEFAULT-VALUE}.")
    int coldStartQueue;

    @Option(names = "--cold-start-wait-ms", defaultValue = "10000",
            description = "How long a cold start waits for a turn before 429. Default: ${DEFAULT-VALUE}.")
    long coldStartWaitMillis;

    @Option(names = "--no-auth",
            description = {"Turn authentication off: every caller acts for the account without credentials. Local",
                    "development only; refused on a non-loopback --bind unless --allow-unauthenticated-remote."})
    boolean noAuth;

    @Option(names = "--allow-unauthenticated-remote",
            description = "With --no-auth, allow a --bind other than loopback: anyone who reaches it may do anything.")
    boolean allowUnauthenticatedRemote;

    @Option(names = "--role-credentials", paramLabel = "FILE",
            description = {"JSON file of execution role ARN to credential source (static keys or assumeRole): the AWS",
                    "credentials agents of runtimes with that roleArn get. See docs/identity.md."})
    Path roleCredentials;

    @Option(names = "--public-url", paramLabel = "URL",
            description = {"Where callers reach this server, when not at its bind address (behind a proxy or a load",
                    "balancer): agents are told their invocation URL under it (AGENTCORE_RUNTIME_URL, A2A cards)."})
    java.net.URI publicUrl;

    @Option(names = "--otlp-endpoint", paramLabel = "URL",
            description = {"OTLP/HTTP collector (e.g. http://127.0.0.1:4318) invocation traces are exported to, at its",
                    "/v1/traces (protobuf; OTEL_EXPORTER_OTLP_PROTOCOL=http/json for JSON); default: $OTEL_EXPORTER_OTLP_ENDPOINT,",
                    "else none. See docs/tracing.md."})
    java.net.URI otlpEndpoint;

    @Option(names = "--stream-resume-bytes", defaultValue = "1048576",
            description = {"Bytes of each SSE answer's latest events held for a caller that reattaches with Last-Event-ID;",
                    "0 turns resumable streams off (events pass unnumbered). Default: ${DEFAULT-VALUE}."})
    long streamResumeBytes;

    @Option(names = "--stream-resume-seconds", defaultValue = "60",
            description = {"Seconds an SSE answer whose caller dropped is held, its agent still answering, for the caller",
                    "to reattach; then it is aborted. Default: ${DEFAULT-VALUE}."})
    long streamResumeSeconds;

    @Option(names = "--ws-idle-timeout", defaultValue = "60",
            description = {"Seconds a relayed WebSocket may stay silent both ways (pings count) before it is closed",
                    "with 1001. Default: ${DEFAULT-VALUE}."})
    long wsIdleSeconds;

    @Option(names = "--ws-max-frame-bytes", defaultValue = "16777216",
            description = "Largest WebSocket frame taken from a caller or an agent; larger closes with 1009. Default: ${DEFAULT-VALUE}.")
    long wsMaxFrameBytes;

    @Option(names = "--ws-max-message-bytes", defaultValue = "100000000",
            description = "Largest WebSocket message, fragments together; larger closes with 1009. Default: ${DEFAULT-VALUE}.")
    long wsMaxMessageBytes;

    @Option(names = "--shell-reconnect-window", defaultValue = "900",
            description = {"Seconds an interactive shell whose client dropped keeps running for a client to reattach",
                    "with its shell id; then it is killed. Default: ${DEFAULT-VALUE}."})
    long shellReconnectSeconds;

    @Option(names = "--s3-endpoint", paramLabel = "URL",
            description = {"Read code.s3 artifacts from this S3 API (AWS or any S3-compatible store) instead of Hearth's",
                    "own artifact store. Credentials: --s3-access-key-id/--s3-secret-access-key, else the AWS default chain."})
    String s3Endpoint;

    @Option(names = "--s3-region", defaultValue = "us-east-1", description = "Region S3 requests are signed for. Default: ${DEFAULT-VALUE}.")
    String s3Region;

    @Option(names = "--registry-insecure", paramLabel = "HOST[:PORT]",
            description = "Pull container images from this registry over plain HTTP (a registry on loopback). Repeatable.")
    List<String> registryInsecure = List.of();

    @Option(names = "--registry-mirror", paramLabel = "REGISTRY=MIRROR",
            description = "Pull images of REGISTRY (docker.io, for example) from MIRROR instead. Repeatable.")
    List<String> registryMirrors = List.of();

    @Option(names = "--registry-credentials", paramLabel = "HOST[:PORT]=FILE",
            description = "Sign in to this registry with the credentials in FILE: user:password, or Bearer <token>. Repeatable.")
    List<String> registryCredentials = List.of();

    @Option(names = "--registry-ecr", paramLabel = "HOST[:PORT][/PREFIX]",
            description = "Pull ECR images (<account>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag>) from HOST[:PORT]/PREFIX/<repo>:<tag>.")
    String registryEcr;

    @Option(names = "--s3-virtual-hosted",
            description = "Address buckets as bucket.host (AWS's style) rather than host/bucket (path style, the default).")
    boolean s3VirtualHosted;

    @Option(names = "--s3-access-key-id", description = "Access key for --s3-endpoint (with --s3-secret-access-key).")
    String s3AccessKeyId;

    @Option(names = "--s3-secret-access-key", description = "Secret key for --s3-endpoint.")
    String s3SecretAccessKey;

    @Option(names = "--artifact-max-bytes", defaultValue = "750000000",
            description = "Bytes one artifact may unpack to, all files together. Default: ${DEFAULT-VALUE} (AgentCore's).")
    long artifactMaxBytes;

    @Option(names = "--artifact-max-entries", defaultValue = "100000",
            description = "Files, directories and links one artifact may hold. Default: ${DEFAULT-VALUE}.")
    int artifactMaxEntries;

    @Option(names = "--artifact-max-zip-bytes", defaultValue = "250000000",
            description = "Largest object downloaded from --s3-endpoint. Default: ${DEFAULT-VALUE} (AgentCore's).")
    long artifactMaxZipBytes;

    private static final List<String> ISOLATIONS = List.of("auto", "gvisor", "namespaces", "process");

    /** @throws IllegalArgumentException naming the option and what it takes */
    private ResumableStreamSettings resumableStreams() {
        if (streamResumeBytes < 0 || streamResumeBytes > ResumableStreamSettings.MAX_TAIL_BYTES) {
            throw new IllegalArgumentException("--stream-resume-bytes " + streamResumeBytes + " (expected: 0 to "
                    + ResumableStreamSettings.MAX_TAIL_BYTES + ")");
        }
        if (streamResumeSeconds < 1 || streamResumeSeconds > 3600) {
            throw new IllegalArgumentException("--stream-resume-seconds " + streamResumeSeconds + " (expected: 1 to 3600)");
        }
        return new ResumableStreamSettings(streamResumeBytes, Duration.ofSeconds(streamResumeSeconds));
    }

    ServerConfig toConfig() {
        if (!ISOLATIONS.contains(isolation)) {
            throw new IllegalArgumentException("--isolation " + isolation + " (expected: one of " + String.join(", ", ISOLATIONS) + ")");
        }
        Path data = dataDir != null ? dataDir : defaultDataDir();
        var sessions = SessionSettings.DEFAULT
                .withPingInterval(Duration.ofMillis(pingIntervalMillis))
                .withReadinessTimeout(Duration.ofSeconds(readinessSeconds))
                .withHibernation(new HibernationPolicy(Duration.ofSeconds(hibernationRetentionSeconds),
                        Duration.ofSeconds(sessionMaxAgeSeconds), Duration.ofSeconds(sessionStorageExpirySeconds),
                        HibernationPolicy.DEFAULT.storageBytes(), hibernatedPerTenant, hibernatedMibPerTenant << 20,
                        snapshotTemplates));
        return ServerConfig.defaults(data)
                .withPort(port)
                .withBind(bind)
                .withIsolation(isolation)
                .withIdentity(new AwsIdentity(region, account))
                .withLifecycleBounds(Duration.ofSeconds(lifecycleFloor), Duration.ofSeconds(lifetimeCap))
                .withSessions(sessions)
                .withMaxPooled(maxPooled)
                .withShutdownGrace(Duration.ofSeconds(shutdownGraceSeconds))
                .withQuotas(quotas())
                .withWebSockets(webSockets())
                .withShells(shells())
                .withAuth(auth(System.getenv()))
                .withRoleCredentials(roleCredentials == null ? RoleCredentialSources.NONE : RoleCredentialSources.load(roleCredentials))
                .withResumableStreams(resumableStreams())
                .withArtifacts(artifacts())
                .withAgentLogs(agentLogs())
                .withPublicUrl(java.util.Optional.ofNullable(publicUrl))
                .withTracing(tracing());
    }

    AgentLogSettings agentLogs() {
        if (agentLogMaxBytes < 1024) {
            throw new IllegalArgumentException("--agent-log-max-bytes: " + agentLogMaxBytes + " (expected: at least 1024)");
        }
        if (agentLogRetentionSeconds < 0) {
            throw new IllegalArgumentException("--agent-log-retention: " + agentLogRetentionSeconds + " (expected: 0 or more seconds)");
        }
        return AgentLogSettings.DEFAULT.withMaxFileBytes(agentLogMaxBytes)
                .withRetention(Duration.ofSeconds(agentLogRetentionSeconds));
    }

    /** {@code --otlp-endpoint} wins over the standard OpenTelemetry variables. */
    io.hearth.router.tracing.TracingSettings tracing() {
        var settings = io.hearth.router.tracing.TracingSettings.fromEnvironment(System.getenv());
        try {
            return otlpEndpoint == null ? settings : settings.withOtlpEndpoint(otlpEndpoint);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--otlp-endpoint " + otlpEndpoint + " (expected: an http or https URL)", e);
        }
    }

    /** @throws IllegalArgumentException naming the option and what it takes */
    ArtifactSettings artifacts() {
        ExtractionLimits limits;
        try {
            limits = new ExtractionLimits(artifactMaxBytes, artifactMaxEntries, artifactMaxBytes, artifactMaxZipBytes);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--artifact-max-*: " + e.getMessage(), e);
        }
        var settings = ArtifactSettings.DEFAULT.withLimits(limits)
                .withRegistries(RegistryFlags.settings(registryInsecure, registryMirrors, registryCredentials, registryEcr));
        if (s3Endpoint == null) {
            if (s3AccessKeyId != null || s3SecretAccessKey != null) {
                throw new IllegalArgumentException("--s3-access-key-id (expected: only with --s3-endpoint)");
            }
            return settings;
        }
        URI endpoint;
        try {
            endpoint = new URI(s3Endpoint);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--s3-endpoint " + s3Endpoint + " (expected: a URL such as http://127.0.0.1:9000)", e);
        }
        return settings.withS3(new S3Settings(endpoint, s3Region, !s3VirtualHosted,
                Optional.ofNullable(s3AccessKeyId), Optional.ofNullable(s3SecretAccessKey)));
    }

    /** {@code HEARTH_ACCESS_KEY_ID} / {@code HEARTH_SECRET_ACCESS_KEY} give the root key; its tenant is the account. */
    AuthSettings auth(Map<String, String> env) {
        if (allowUnauthenticatedRemote && !noAuth) {
            throw new IllegalArgumentException("--allow-unauthenticated-remote (expected: only with --no-auth)");
        }
        if (noAuth) {
            return AuthSettings.none(allowUnauthenticatedRemote);
        }
        String id = env.get("HEARTH_ACCESS_KEY_ID");
        String secret = env.get("HEARTH_SECRET_ACCESS_KEY");
        boolean hasId = id != null && !id.isBlank();
        boolean hasSecret = secret != null && !secret.isBlank();
        if (hasId != hasSecret) {
            throw new IllegalArgumentException((hasId ? "HEARTH_ACCESS_KEY_ID" : "HEARTH_SECRET_ACCESS_KEY")
                    + " is set alone (expected: both HEARTH_ACCESS_KEY_ID and HEARTH_SECRET_ACCESS_KEY, or neither)");
        }
        if (!hasId) {
            return AuthSettings.DEFAULT;
        }
        try {
            return AuthSettings.DEFAULT.withRootKey(new AccessKey(id.strip(), secret.strip(), account, true));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("HEARTH_ACCESS_KEY_ID / HEARTH_SECRET_ACCESS_KEY: " + e.getMessage(), e);
        }
    }

    /** @throws IllegalArgumentException naming the option and what it takes */
    private WebSocketSettings webSockets() {
        if (wsIdleSeconds < 1) {
            throw new IllegalArgumentException("--ws-idle-timeout " + wsIdleSeconds + " (expected: at least 1 second)");
        }
        try {
            return WebSocketSettings.DEFAULT.withIdleTimeout(Duration.ofSeconds(wsIdleSeconds))
                    .withLimits(wsMaxFrameBytes, wsMaxMessageBytes);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--ws-max-frame-bytes " + wsMaxFrameBytes + " / --ws-max-message-bytes "
                    + wsMaxMessageBytes + ": " + e.getMessage(), e);
        }
    }

    /** @throws IllegalArgumentException naming the option and what it takes */
    private ShellSettings shells() {
        if (shellReconnectSeconds < 0) {
            throw new IllegalArgumentException("--shell-reconnect-window " + shellReconnectSeconds
                    + " (expected: 0 or more seconds)");
        }
        return ShellSettings.DEFAULT.withReconnectWindow(Duration.ofSeconds(shellReconnectSeconds));
    }

    /** @throws IllegalArgumentException naming the option and what it takes */
    private QuotaSettings quotas() {
        try {
            return QuotaSettings.DEFAULT
                    .withInvocations(RateLimit.perSecond(invocationsPerSecond, invocationBurst))
                    .withNewSessions(RateLimit.perMinute(newSessionsPerMinute, newSessionBurst))
                    .withActiveSessionsPerTenant(maxActiveSessions)
                    .withPerPrincipal(maxSessionsPerPrincipal == 0 ? OptionalInt.empty() : OptionalInt.of(maxSessionsPerPrincipal),
                            invocationsPerPrincipal == 0 ? java.util.Optional.empty()
                                    : java.util.Optional.of(RateLimit.perSecond(invocationsPerPrincipal, 2 * invocationsPerPrincipal)))
                    .withMaxSandboxes(maxSandboxes == 0 ? OptionalInt.empty() : OptionalInt.of(maxSandboxes))
                    .withMemory(memoryReserveMib << 20, memoryOvercommit)
                    .withColdStarts(maxColdStarts == 0 ? QuotaSettings.DEFAULT.maxColdStarts() : maxColdStarts,
                            coldStartQueue, Duration.ofMillis(coldStartWaitMillis));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("quota options: " + e.getMessage(), e);
        }
    }

    static Path defaultDataDir() {
        String env = System.getenv("HEARTH_DATA_DIR");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".hearth");
    }
}
