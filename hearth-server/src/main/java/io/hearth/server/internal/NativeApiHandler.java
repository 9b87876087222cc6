package io.hearth.server.internal;

import io.hearth.api.ApiException;
import io.hearth.api.FieldError;
import io.hearth.http.PathSegments;
import io.hearth.http.Replies;
import io.hearth.quota.Quotas;
import io.hearth.sandbox.SandboxUsage;
import io.hearth.session.SessionInfo;
import io.hearth.session.SessionManager;
import io.hearth.session.SessionState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * Hearth's own API under {@code /hearth/v1}: what AgentCore's API has no words for.
 * <ul>
 *   <li>{@code GET /hearth/v1/health}: the server is up, and which isolation it runs</li>
 *   <li>{@code GET /hearth/v1/sessions?runtimeId=&sessionId=&state=live|ended}: sessions with their state and end reason;
 *       the caller's tenant's only, every tenant's for the root tenant</li>
 *   <li>{@code GET /hearth/v1/sessions/log?runtimeId=&sessionId=}: the agent log of a session's latest sandbox</li>
 *   <li>{@code GET /hearth/v1/quotas}: live sandboxes, cold starts, active sessions and rates, with their caps and
 *       refusals (the node's, so for the root tenant only)</li>
 *   <li>{@code PUT /hearth/v1/artifacts/<bucket>/<key>}: stores a code bundle (zip) in the caller's tenant's
 *       artifacts, where {@code codeConfiguration.code.s3} of that tenant's runtimes finds it</li>
 * </ul>
 */
public final class NativeApiHandler extends Handler.Abstract {
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern KEY_PART = Pattern.compile("[A-Za-z0-9!_.*'()-]+");

    private final SessionManager sessions;
    /** A tenant's artifacts directory, whose children are its buckets. */
    private final Function<String, Path> artifactsDir;
    private final String isolation;
    private final long maxArtifactBytes;
    private final Quotas quotas;
    private final Tenancy tenancy;
    private final Function<String, Optional<SandboxUsage>> usage;

    public NativeApiHandler(SessionManager sessions, Function<String, Path> artifactsDir, String isolation, long maxArtifactBytes,
            Quotas quotas, String rootTenant) {
        this(sessions, artifactsDir, isolation, maxArtifactBytes, quotas, rootTenant, sandboxId -> Optional.empty());
    }

    /** @param usage what a live sandbox uses (by sandbox id), shown with its session */
    public NativeApiHandler(SessionManager sessions, Function<String, Path> artifactsDir, String isolation, long maxArtifactBytes,
            Quotas quotas, String rootTenant, Function<String, Optional<SandboxUsage>> usage) {
        this.usage = usage;
        this.quotas = quotas;
        this.tenancy = new Tenancy(rootTenant, (tenant, runtimeId) -> false);
        this.sessions = sessions;
        this.artifactsDir = artifactsDir;
        this.isolation = isolation;
        this.maxArtifactBytes = maxArtifactBytes;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws IOException {
        List<String> path = PathSegments.of(request);
        if (path.size() < 3 || !path.get(0).equals("hearth") || !path.get(1).equals("v1")) {
            return false;
        }
        String method = request.getMethod();
        String resource = path.get(2);
        if (resource.equals("health") && method.equals("GET")) {
            Replies.json(response, 200, Map.of("status", "ok", "isolation", isolation), callback);
        } else if (resource.equals("sessions") && path.size() == 3 && method.equals("GET")) {
            Replies.json(response, 200, Map.of("sessions", sessions(request, Request.extractQueryParameters(request))), callback);
        } else if (resource.equals("quotas") && path.size() == 3 && method.equals("GET")) {
            tenancy.checkRoot(Tenancy.caller(request), "The node's quotas");
            Replies.json(response, 200, QuotaSummary.view(quotas.snapshot()), callback);
        } else if (resource.equals("sessions") && path.size() == 4 && path.get(3).equals("log") && method.equals("GET")) {
            log(request, response, callback);
        } else if (resource.equals("artifacts") && path.size() >= 5 && method.equals("PUT")) {
            storeArtifact(request, response, callback, path.get(3), path.subList(4, path.size()));
        } else {
            throw ApiException.notFound("No Hearth operation at " + method + " " + request.getHttpURI().getPath());
        }
        return true;
    }

    private List<Map<String, Object>> sessions(Request request, Fields query) {
        var caller = Tenancy.caller(request);
        Predicate<SessionInfo> filter = s -> tenancy.sees(caller, s.tenant());
        String runtimeId = query.getValue("runtimeId");
        String sessionId = query.getValue("sessionId");
        String state = query.getValue("state");
        if (runtimeId != null) {
            filter = filter.and(s -> s.runtimeId().equals(runtimeId));
        }
        if (sessionId != null) {
            filter = filter.and(s -> s.sessionId().equals(sessionId));
        }
        if ("live".equals(state)) {
            filter = filter.and(s -> s.endedAt().isEmpty());
        } else if ("ended".equals(state)) {
            filter = filter.and(s -> s.endedAt().isPresent());
        }
        return sessions.all().stream().filter(filter).map(s -> withUsage(view(s), s)).toList();
    }

    /** A live session's CPU time and memory, where its driver measures them (cgroups). */
    private Map<String, Object> withUsage(Map<String, Object> view, SessionInfo s) {
        if (s.endedAt().isEmpty()) {
            usage.apply(s.sandboxId()).ifPresent(u -> {
                view.put("cpuSeconds", u.cpuTime().toMillis() / 1000.0);
                view.put("memoryBytes", u.memoryBytes());
            });
        }
        return view;
    }

    private static Map<String, Object> view(SessionInfo s) {
        var view = new LinkedHashMap<String, Object>();
        view.put("runtimeId", s.runtimeId());
        view.put("endpointName", s.endpointName());
        view.put("version", s.version());
        view.put("sessionId", s.sessionId());
        view.put("tenant", s.tenant());
        view.put("sandboxId", s.sandboxId());
        view.put("isolation", s.driver());
        s.agentAddress().ifPresent(a -> view.put("agentAddress", a));
        view.put("state", s.state().name());
        view.put("createdAt", s.createdAt().toString());
        s.readyAt().ifPresent(t -> view.put("readyAt", t.toString()));
        view.put("lastActivityAt", s.lastActivityAt().toString());
        view.put("inFlight", s.inFlight());
        s.agentStatus().ifPresent(a -> view.put("agentStatus", a));
        s.endedAt().ifPresent(t -> view.put("endedAt", t.toString()));
        s.endReason().ifPresent(r -> view.put("endReason", r));
        s.endDetail().ifPresent(d -> view.put("endDetail", d));
        view.put("idleTimeoutSeconds", s.idleTimeout().toSeconds());
        view.put("maxLifetimeSeconds", s.maxLifetime().toSeconds());
        if (s.endedAt().isEmpty()) {
            view.put("lifetimeEndsAt", s.createdAt().plus(s.maxLifetime()).toString());
            if (s.state() == SessionState.IDLE) {
                // From the last request's end; an agent's later time_of_last_update pushes the real end further.
                view.put("idleExpiresAt", s.lastActivityAt().plus(s.idleTimeout()).toString());
            }
        }
        return view;
    }

    private void log(Request request, Response response, Callback callback) {
        Fields query = Request.extractQueryParameters(request);
        String runtimeId = query.getValue("runtimeId");
        String sessionId = query.getValue("sessionId");
        if (runtimeId == null || sessionId == null) {
            String message = "runtimeId and sessionId: required query parameters";
            throw ApiException.validation(message, new FieldError("sessionId", message));
        }
        var caller = Tenancy.caller(request);
        SessionInfo session = sessions.find(s -> s.runtimeId().equals(runtimeId) && s.sessionId().equals(sessionId)
                        && tenancy.sees(caller, s.tenant()))
                .orElseThrow(() -> ApiException.notFound("No session " + sessionId + " of runtime " + runtimeId));
        Path log = Path.of(session.logFile());
        if (!Files.isRegularFile(log)) {
            throw ApiException.notFound("Session " + sessionId + " has no log yet");
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        Content.copy(Content.Source.from(log), response, callback);
    }

    private void storeArtifact(Request request, Response response, Callback callback, String bucket, List<String> key) {
        if (!BUCKET.matcher(bucket).matches()) {
            String message = "bucket: " + bucket + " (expected: 3 to 63 lower-case letters, digits, dots and hyphens)";
            throw ApiException.validation(message, new FieldError("bucket", message));
        }
        for (String part : key) {
            if (!KEY_PART.matcher(part).matches() || part.equals(".") || part.equals("..")) {
                String message = "key: " + String.join("/", key) + " (expected: segments of letters, digits and !_.*'()-)";
                throw ApiException.validation(message, new FieldError("key", message));
            }
        }
        if (request.getLength() > maxArtifactBytes) {
            String message = "artifact: " + request.getLength() + " bytes (expected: at most " + maxArtifactBytes + " bytes)";
            throw ApiException.validation(message, new FieldError("artifact", message));
        }
        Path target = artifactsDir.apply(Tenancy.caller(request).tenant()).resolve(bucket).resolve(String.join("/", key));
        try {
            Files.createDirectories(target.getParent());
            Path partial = Files.createTempFile(target.getParent(), ".upload-", ".part");
            try (var in = Content.Source.asInputStream(request); var out = Files.newOutputStream(partial)) {
                long copied = 0;
                byte[] buffer = new byte[64 * 1024];
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    copied += n;
                    if (copied > maxArtifactBytes) {
                        throw ApiException.validation("artifact: more than " + maxArtifactBytes + " bytes",
                                new FieldError("artifact", "more than " + maxArtifactBytes + " bytes"));
                    }
                    out.write(buffer, 0, n);
                }
            } catch (RuntimeException | IOException e) {
                Files.deleteIfExists(partial);
                throw e;
            }
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store artifact " + target, e);
        }
        Replies.json(response, 200, Map.of("bucket", bucket, "key", String.join("/", key)), callback);
    }
}
