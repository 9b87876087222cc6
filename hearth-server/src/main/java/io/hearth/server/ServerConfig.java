package io.hearth.server;

import static java.util.Objects.requireNonNull;

import io.hearth.api.AwsIdentity;
import io.hearth.control.ArtifactSettings;
import io.hearth.identity.RoleCredentialSources;
import io.hearth.launcher.AgentLogSettings;
import io.hearth.quota.QuotaSettings;
import io.hearth.router.AgentTimeouts;
import io.hearth.router.ResumableStreamSettings;
import io.hearth.router.shell.ShellSettings;
import io.hearth.router.tracing.TracingSettings;
import io.hearth.router.websocket.WebSocketSettings;
import io.hearth.session.SessionSettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Everything a Hearth server is started with. Defaults are the embedded ones {@code ./hearth up} uses.
 *
 * @param bind              address to listen on
 * @param port              port for both planes; 0 picks a free one
 * @param dataDir           database, artifacts, versions, sandboxes and logs live under it
 * @param isolation         sandbox driver: {@code process}, {@code namespaces}, {@code gvisor} or {@code auto}
 * @param identity          region and account in every ARN
 * @param lifecycleFloor    smallest idle timeout / max lifetime accepted (AgentCore: 60 s; lower only for tests)
 * @param lifecycleCap      largest max lifetime accepted (AgentCore: 28,800 s; operators may raise it)
 * @param sessions          readiness deadline and ping cadence
 * @param agentTimeouts     per-exchange bounds towards agents
 * @param maxPayloadBytes   request body limit (AgentCore: 100,000,000 bytes)
 * @param maxPooled         the most sandboxes warm pools may hold together (node capacity they take)
 * @param shutdownGrace     how long shutdown may take in all: pools, sessions and drivers each get a share of it
 * @param quotas            rates per endpoint, active sessions per tenant, live sessions and invocation rate per
 *                          principal, live sandboxes and cold starts per node
 * @param auth              how callers authenticate (SigV4 unless turned off) and the root access key
 * @param roleCredentials   where agents' AWS credentials come from, per execution role (docs/identity.md)
 * @param webSockets        idle timeout and frame and message limits of relayed WebSockets (docs/websocket.md)
 * @param shells            reconnect window, replay buffer and limits of interactive shells (docs/shells.md)
 * @param resumableStreams  how much of each SSE answer is held, and how long, for callers that reattach
 *                          (docs/data-plane.md, Resumable streams)
 * @param artifacts         where code artifacts come from (Hearth's own store, or an S3 API) and their unpacking
 *                          limits (docs/artifacts.md)
 * @param publicUrl         where callers reach this server (behind a proxy, its address there); agents learn their
 *                          own invocation URL from it in {@code AGENTCORE_RUNTIME_URL}; empty: the bound address
 * @param agentLogs         size cap and rotation of each sandbox's agent log, and how long an ended one is kept
 *                          (docs/sessions-logs.md)
 * @param tracing           where invocation traces are exported (OTLP/HTTP) and how many are kept in memory
 *                          (docs/tracing.md)
 */
public record ServerConfig(
        String bind,
        int port,
        Path dataDir,
        String isolation,
        AwsIdentity identity,
        Duration lifecycleFloor,
        Duration lifecycleCap,
        SessionSettings sessions,
        AgentTimeouts agentTimeouts,
        long maxPayloadBytes,
        int maxPooled,
        Duration shutdownGrace,
        QuotaSettings quotas,
        AuthSettings auth,
        RoleCredentialSources roleCredentials,
        WebSocketSettings webSockets,
        ShellSettings shells,
        ResumableStreamSettings resumableStreams,
        ArtifactSettings artifacts,
        Optional<URI> publicUrl,
        AgentLogSettings agentLogs,
        TracingSettings tracing) {

    public ServerConfig {
        requireNonNull(publicUrl, "publicUrl");
        requireNonNull(agentLogs, "agentLogs");
        requireNonNull(tracing, "tracing");
        publicUrl.ifPresent(url -> {
            if (!url.isAbsolute() || url.getHost() == null
                    || !(url.getScheme().equals("http") || url.getScheme().equals("https"))) {
                throw new IllegalArgumentException("publicUrl: " + url + " (expected: an http or https URL with a host)");
            }
        });
        requireNonNull(bind, "bind");
        requireNonNull(dataDir, "dataDir");
        requireNonNull(isolation, "isolation");
        requireNonNull(identity, "identity");
        requireNonNull(lifecycleFloor, "lifecycleFloor");
        requireNonNull(lifecycleCap, "lifecycleCap");
        requireNonNull(sessions, "sessions");
        requireNonNull(agentTimeouts, "agentTimeouts");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0 to 65535)");
        }
        if (lifecycleFloor.compareTo(lifecycleCap) > 0) {
            throw new IllegalArgumentException("lifecycleFloor: " + lifecycleFloor + " (expected: at most lifecycleCap " + lifecycleCap + ")");
        }
        if (maxPooled < 0) {
            throw new IllegalArgumentException("maxPooled: " + maxPooled + " (expected: 0 or more)");
        }
        requireNonNull(shutdownGrace, "shutdownGrace");
        requireNonNull(quotas, "quotas");
        requireNonNull(auth, "auth");
        requireNonNull(roleCredentials, "roleCredentials");
        requireNonNull(webSockets, "webSockets");
        requireNonNull(resumableStreams, "resumableStreams");
        requireNonNull(shells, "shells");
        requireNonNull(artifacts, "artifacts");
        if (shutdownGrace.compareTo(Duration.ofSeconds(1)) < 0 || shutdownGrace.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("shutdownGrace: " + shutdownGrace.toMillis() + " ms (expected: 1 s to 10 min)");
        }
        if (maxPayloadBytes < 1) {
            throw new IllegalArgumentException("maxPayloadBytes: " + maxPayloadBytes + " (expected: positive)");
        }
    }

    /** Shutdown's whole budget unless configured: short enough for a service manager's stop timeout. */
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(10);

    public static ServerConfig defaults(Path dataDir) {
        return new ServerConfig("127.0.0.1", 8080, dataDir, "auto", AwsIdentity.DEFAULT, Duration.ofSeconds(60),
                Duration.ofSeconds(28_800), SessionSettings.DEFAULT, AgentTimeouts.DEFAULT, 100_000_000L, 64,
                DEFAULT_SHUTDOWN_GRACE, QuotaSettings.DEFAULT, AuthSettings.DEFAULT, RoleCredentialSources.NONE,
                WebSocketSettings.DEFAULT, ShellSettings.DEFAULT,
                ResumableStreamSettings.DEFAULT, ArtifactSettings.DEFAULT, Optional.empty(), AgentLogSettings.DEFAULT, TracingSettings.DEFAULT);
    }

    public ServerConfig withPort(int newPort) {
        return new ServerConfig(bind, newPort, dataDir, isolation, identity, lifecycleFloor, lifecycleCap, sessions, agentTimeouts, maxPayloadBytes, maxPooled, shutdownGrace, quotas, auth, roleCredentials, webSockets, shells, resumableStreams, artifacts, publicUrl, agentLogs, tracing);
    }

    public ServerConfig withBind(String newBind) {
        return new ServerConfig(newBind, port, dataDir, isolation, identity, lifecycleFloor, lifecycleCap, sessions, agentTimeouts, maxPayloadBytes, maxPooled, shutdownGrace, quotas, auth, roleCredentials, webSockets, shells, resumableStreams, artifacts, publicUrl, agentLogs, tracing);
    }

    public ServerConfig withIsolation(String newIsolation) {
        return new ServerConfig(bind, port, dataDir, newIsolation, identity, lifecycleFloor, lifecycleCap, sessions, agentTimeouts, maxPayloadBytes, maxPooled, shutdownGrace, quotas, auth, roleCredentials, webSockets, shells, resumableStreams, artifacts, publicUrl, agentLogs, tracing);
    }

    public ServerConfig withIdentity(AwsIdentity newIdentity) {
        return new ServerConfig(bind, port, dataDir, isolation, newIdentity, lifecycleFloor, lifecycleCap, sessions, agentTimeouts, maxPayloadBytes, maxPooled, shutdownGrace, quotas, auth, roleCredentials, webSockets, shells, resumableStreams, artifacts, publicUrl, agentLogs, tracing);
    }

    public ServerConfig withLifecycleBounds(Duration floor, Duration cap) {
        return new ServerConfig(bind, port, dataDir, isolation, identity, floor, cap, sessions, agentTimeouts, maxPayloadBytes, maxPooled, shutdownGrace, quotas, auth, roleCredentials, webSockets, shells, resumableStreams, artifacts, publicUrl, agentLogs, tracing);
    }

    public ServerConfig withMaxPooled(int newMaxPooled) {
        return new ServerConfig(bind, port, dataDir, isolation, identity, lifecycleFloor, lifecycleCap, sessions, agentTimeouts, maxPayloadBytes, newMaxPooled, shutdownGrace, quotas, auth, roleCredentials, webSockets, shells, resumableStreams, artifacts, publicUrl, agentLogs, tracing);
    }

    public ServerConfig withSessions(SessionSettings newSessions) {
        return new ServerConfig(bind, port, dataDir, isolation, identity, lifecycleFloor, lifecycleCap, newSessions, agentTimeouts, maxPayloadBytes, maxPooled, shutdownGrace, quotas, auth, roleCredentials, webSockets, shells, resumableStreams, artifacts, publicUrl, agentLogs, tracing);
    }

    public ServerConfig withShutdownGrace(Duration newShutdownGrace) {
        return new ServerConfig(bind, port, dataDir, isolation, identity, lifecycleFloor, lifecycleCap, sessions, agentTimeouts, maxPayloadBytes, maxPooled, newShutdownGrace, quotas, auth, roleCredentials, webSockets, shells, resumableStreams, artifacts, publicUrl, agentLogs, tracing);
    }

    public ServerConfig withQuotas(QuotaSettings newQuotas) {
        return new ServerConfig(bind, port, dataDir, isolation, identity, lifecycleFloor, lifecycleCap, sessions, agentTimeouts, maxPayloadBytes, maxPooled, shutdownGrace, newQuotas, auth, roleCredentials, webSockets, shells, resumableStreams, artifacts, publicUrl, agentLogs, tracing);
    }

    public ServerConfig withAuth(AuthSettings newAuth) {
        return new ServerConfig(bind, port, dataDir, isolation, identity, lifecycleFloor, lifecycleCap, sessions, agentTimeouts, maxPayloadBytes, maxPooled, shutdownGrace, quotas, newAuth, roleCredentials, webSockets, shells, resumableStreams, artifacts, publicUrl, agentLogs, tracing);
    }

    public ServerConfig withRoleCredentials(RoleCredentialSources newRoleCredentials) {
        return new ServerConfig(bind, port, dataDir, isolation, identity, lifecycleFloor, lifecycleCap, sessions, agentTimeouts, maxPayloadBytes, maxPooled, shutdownGrace, quotas, auth, newRoleCredentials, webSockets, shells, resumableStreams, artifacts, publicUrl, agentLogs, tracing);
    }

    public ServerConfig withWebSockets(WebSocketSettings newWebSockets) {
        return new ServerConfig(bind, port, dataDir, isolation, identity, lifecycleFloor, lifecycleCap, sessions, agentTimeouts, maxPayloadBytes, maxPooled, shutdownGrace, quotas, auth, roleCredentials, newWebSockets, shells, resumableStreams, artifacts, publicUrl, agentLogs, tracing);
    }

    public ServerConfig withShells(ShellSettings newShells) {
        return new ServerConfig(bind, port, dataDir, isolation, identity, lifecycleFloor, lifecycleCap, sessions, agentTimeouts, maxPayloadBytes, maxPooled, shutdownGrace, quotas, auth, roleCredentials, webSockets, newShells, resumableStreams, artifacts, publicUrl, agentLogs, tracing);
    }

    public ServerConfig withPublicUrl(Optional<URI> newPublicUrl) {
        return new ServerConfig(bind, port, dataDir, isolation, identity, lifecycleFloor, lifecycleCap, sessions, agentTimeouts, maxPayloadBytes, maxPooled, shutdownGrace, quotas, auth, roleCredentials, webSockets, shells, resumableStreams, artifacts, newPublicUrl, agentLogs, tracing);
    }

    public ServerConfig withArtifacts(ArtifactSettings newArtifacts) {
        return new ServerConfig(bind, port, dataDir, isolation, identity, lifecycleFloor, lifecycleCap, sessions, agentTimeouts, maxPayloadBytes, maxPooled, shutdownGrace, quotas, auth, roleCredentials, webSockets, shells, resumableStreams, newArtifacts, publicUrl, agentLogs, tracing);
    }

    public ServerConfig withResumableStreams(ResumableStreamSettings newResumableStreams) {
        return new ServerConfig(bind, port, dataDir, isolation, identity, lifecycleFloor, lifecycleCap, sessions, agentTimeouts, maxPayloadBytes, maxPooled, shutdownGrace, quotas, auth, roleCredentials, webSockets, shells, newResumableStreams, artifacts, publicUrl, agentLogs, tracing);
    }

    public ServerConfig withAgentLogs(AgentLogSettings newAgentLogs) {
        return new ServerConfig(bind, port, dataDir, isolation, identity, lifecycleFloor, lifecycleCap, sessions, agentTimeouts, maxPayloadBytes, maxPooled, shutdownGrace, quotas, auth, roleCredentials, webSockets, shells, resumableStreams, artifacts, publicUrl, newAgentLogs, tracing);
    }

    public ServerConfig withTracing(TracingSettings newTracing) {
        return new ServerConfig(bind, port, dataDir, isolation, identity, lifecycleFloor, lifecycleCap, sessions, agentTimeouts, maxPayloadBytes, maxPooled, shutdownGrace, quotas, auth, roleCredentials, webSockets, shells, resumableStreams, artifacts, publicUrl, agentLogs, newTracing);
    }
}
