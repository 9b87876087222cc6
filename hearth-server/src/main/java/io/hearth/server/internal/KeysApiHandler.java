package io.hearth.server.internal;

import io.hearth.api.ApiException;
import io.hearth.auth.AccessKey;
import io.hearth.auth.Principal;
import io.hearth.http.JsonBodies;
import io.hearth.http.PathSegments;
import io.hearth.http.Replies;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import tools.jackson.databind.JsonNode;

/**
 * Access keys, under {@code /hearth/v1/keys}: {@code POST} creates one (its secret is in that answer only),
 * {@code GET} lists them (never a secret), {@code POST /{id}/disable}, {@code POST /{id}/enable},
 * {@code DELETE /{id}}. Any caller of the server's own account (the root tenant) may manage them, and create keys
 * of another tenant with {@code {"tenant": "<12 digits>"}}: that is how a tenant comes to exist.
 */
public final class KeysApiHandler extends Handler.Abstract {
    private static final int MAX_BODY_BYTES = 16 * 1024;

    private final KeyRing keys;
    private final String tenant;

    public KeysApiHandler(KeyRing keys, String tenant) {
        this.keys = keys;
        this.tenant = tenant;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        List<String> path = PathSegments.of(request);
        if (path.size() < 3 || !path.get(0).equals("hearth") || !path.get(1).equals("v1") || !path.get(2).equals("keys")) {
            return false;
        }
        if (!(request.getAttribute(Principal.REQUEST_ATTRIBUTE) instanceof Principal caller) || !caller.tenant().equals(tenant)) {
            throw new ApiException.AccessDenied("Access keys are managed by callers of account " + tenant
                    + " (expected: a request signed with a key of that account)");
        }
        String method = request.getMethod();
        if (path.size() == 3 && method.equals("POST")) {
            JsonNode body = JsonBodies.read(request, MAX_BODY_BYTES);
            String description = body.path("description").asString("");
            if (description.length() > 256) {
                throw ApiException.validation("description: " + description.length() + " characters (expected: at most 256)");
            }
            String owner = body.path("tenant").asString(tenant);
            if (!owner.matches("[0-9]{12}")) {
                String message = "tenant: " + owner + " (expected: a 12-digit account id)";
                throw ApiException.validation(message, new io.hearth.api.FieldError("tenant", message));
            }
            AccessKey created = keys.create(owner, description);
            var reply = new LinkedHashMap<String, Object>();
            reply.put("accessKeyId", created.id());
            reply.put("secretAccessKey", created.secret());
            reply.put("tenant", created.tenant());
            reply.put("enabled", true);
            reply.put("description", description);
            Replies.json(response, 201, reply, callback);
        } else if (path.size() == 3 && method.equals("GET")) {
            Replies.json(response, 200, Map.of("accessKeys", keys.list().stream().map(KeysApiHandler::view).toList()), callback);
        } else if (path.size() == 5 && method.equals("POST") && (path.get(4).equals("disable") || path.get(4).equals("enable"))) {
            Replies.json(response, 200, view(keys.setEnabled(path.get(3), path.get(4).equals("enable"))), callback);
        } else if (path.size() == 4 && method.equals("DELETE")) {
            keys.delete(path.get(3));
            Replies.empty(response, 204, callback);
        } else {
            throw ApiException.notFound("No key operation at " + method + " " + request.getHttpURI().getPath()
                    + " (expected: POST or GET /hearth/v1/keys, POST /hearth/v1/keys/{id}/disable|enable, DELETE /hearth/v1/keys/{id})");
        }
        return true;
    }

    private static Map<String, Object> view(KeyRing.KeyInfo key) {
        var view = new LinkedHashMap<String, Object>();
        view.put("accessKeyId", key.id());
        view.put("tenant", key.tenant());
        view.put("enabled", key.enabled());
        view.put("createdAt", key.createdAt());
        view.put("description", key.description());
        return view;
    }
}
