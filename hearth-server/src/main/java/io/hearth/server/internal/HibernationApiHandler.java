package io.hearth.server.internal;

import static java.util.Objects.requireNonNull;

import io.hearth.api.ApiException;
import io.hearth.api.FieldError;
import io.hearth.http.PathSegments;
import io.hearth.http.Replies;
import io.hearth.session.HibernatedSession;
import io.hearth.session.SessionException;
import io.hearth.session.SessionInfo;
import io.hearth.session.SessionKey;
import io.hearth.session.SessionManager;
import io.hearth.session.SessionState;
import io.hearth.session.TemplateInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * Hibernation, Hearth-native:
 * <ul>
 *   <li>{@code POST /hearth/v1/sessions/{sessionId}/hibernate?runtimeId=} puts a live session to sleep now (its
 *       runtime need not hibernate idle sessions); its next call resumes it;</li>
 *   <li>{@code GET /hearth/v1/hibernated[?runtimeId=]} lists sessions asleep, with what they kept, their size and
 *       when they expire, and the snapshot templates new sessions start from.</li>
 * </ul>
 * The caller's tenant's sessions only (every tenant's for the root tenant); another tenant's reads as none.
 */
public final class HibernationApiHandler extends Handler.Abstract {
    private final SessionManager sessions;
    private final Tenancy tenancy;

    /** @param owns whether a tenant owns a runtime (for the templates of its runtimes) */
    public HibernationApiHandler(SessionManager sessions, String rootTenant, BiPredicate<String, String> owns) {
        this.sessions = requireNonNull(sessions, "sessions");
        this.tenancy = new Tenancy(rootTenant, owns);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        List<String> path = PathSegments.of(request);
        if (path.size() < 3 || !path.get(0).equals("hearth") || !path.get(1).equals("v1")) {
            return false;
        }
        boolean hibernate = path.size() == 5 && path.get(2).equals("sessions") && path.get(4).equals("hibernate");
        boolean list = path.size() == 3 && path.get(2).equals("hibernated");
        if (!hibernate && !list) {
            return false;
        }
        String expected = hibernate ? "POST" : "GET";
        if (!request.getMethod().equals(expected)) {
            throw ApiException.notFound("No Hearth operation at " + request.getMethod() + " "
                    + request.getHttpURI().getPath() + " (expected: " + expected + ")");
        }
        Fields query = Request.extractQueryParameters(request);
        var caller = Tenancy.caller(request);
        if (list) {
            String runtimeId = query.getValue("runtimeId");
            var asleep = sessions.hibernated().stream()
                    .filter(h -> tenancy.sees(caller, h.tenant()))
                    .filter(h -> runtimeId == null || h.key().runtimeId().equals(runtimeId))
                    .map(HibernationApiHandler::view).toList();
            var templates = sessions.templates().stream()
                    .filter(t -> runtimeId == null || t.runtimeId().equals(runtimeId))
                    .filter(t -> tenancy.isRoot(caller) || tenancy.owns().test(caller.tenant(), t.runtimeId()))
                    .map(HibernationApiHandler::view).toList();
            Replies.json(response, 200, Map.of("hibernated", asleep, "templates", templates), callback);
            return true;
        }
        String sessionId = path.get(3);
        String runtimeId = query.getValue("runtimeId");
        if (runtimeId == null || runtimeId.isBlank()) {
            String message = "runtimeId: required query parameter (expected: the id of the session's agent runtime)";
            throw ApiException.validation(message, new FieldError("runtimeId", message));
        }
        SessionInfo live = sessions.live().stream()
                .filter(s -> s.runtimeId().equals(runtimeId) && s.sessionId().equals(sessionId)
                        && tenancy.sees(caller, s.tenant()))
                .findFirst()
                .orElseThrow(() -> ApiException.notFound("No live session " + sessionId + " of runtime " + runtimeId
                        + (sessions.hibernated().stream().anyMatch(h -> h.key().sessionId().equals(sessionId)
                                && h.key().runtimeId().equals(runtimeId)) ? " (it is hibernated already)" : "")));
        if (live.state() == SessionState.PROVISIONING || live.state() == SessionState.HIBERNATING) {
            throw ApiException.conflict("Session " + sessionId + " is " + live.state() + " (expected: ACTIVE or IDLE)");
        }
        try {
            // Saving blocks (a checkpoint, a copy): this handler runs on a blocking-capable thread of the API's own.
            HibernatedSession asleep = sessions.hibernate(new SessionKey(live.runtimeId(), live.endpointName(),
                    live.owner(), live.sessionId()));
            Replies.json(response, 200, view(asleep), callback);
        } catch (SessionManager.HibernationRefused e) {
            throw e.quotaFull() ? ApiException.quotaExceeded(e.getMessage())
                    : ApiException.conflict("Session " + sessionId + " cannot hibernate: " + e.getMessage());
        } catch (SessionException.Ended e) {
            throw ApiException.conflict("Session " + sessionId + " ended: " + e.getMessage());
        }
        return true;
    }

    private static Map<String, Object> view(TemplateInfo t) {
        var view = new LinkedHashMap<String, Object>();
        view.put("runtimeId", t.runtimeId());
        view.put("endpointName", t.endpointName());
        view.put("version", t.version());
        view.put("state", t.state());
        t.bytes().ifPresent(b -> view.put("sizeBytes", b));
        if (!t.why().isEmpty()) {
            view.put("why", t.why());
        }
        return view;
    }

    private static Map<String, Object> view(HibernatedSession h) {
        var view = new LinkedHashMap<String, Object>();
        view.put("runtimeId", h.key().runtimeId());
        view.put("endpointName", h.key().endpointName());
        view.put("sessionId", h.key().sessionId());
        view.put("version", h.version());
        view.put("tenant", h.tenant());
        view.put("isolation", h.driver());
        view.put("state", SessionState.HIBERNATED.name());
        view.put("kept", h.image().kind().wireName());
        view.put("sizeBytes", h.image().bytes());
        view.put("createdAt", h.createdAt().toString());
        view.put("hibernatedAt", h.hibernatedAt().toString());
        view.put("computeSeconds", h.liveTime().toSeconds());
        view.put("expiresAt", h.expiresAt().toString());
        return view;
    }
}
