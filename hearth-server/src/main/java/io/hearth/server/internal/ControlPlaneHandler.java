package io.hearth.server.internal;

import io.hearth.api.ApiException;
import io.hearth.api.ErrorType;
import io.hearth.api.FieldError;
import io.hearth.auth.Principal;
import io.hearth.control.ControlReply;
import io.hearth.control.EndpointApi;
import io.hearth.control.RuntimeApi;
import io.hearth.http.JsonBodies;
import io.hearth.http.PathSegments;
import io.hearth.http.Replies;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import tools.jackson.databind.JsonNode;

/**
 * Routes the eleven control-plane operations by method and path (docs/wire-contract.md §3; paths end with {@code /}, Lists
 * are POSTs with an empty body). Runs on a virtual thread: it blocks on the request body and on the store.
 * Paths it does not know return false so the next plane can claim them. Every operation acts for the tenant of the
 * request's principal.
 */
public final class ControlPlaneHandler extends Handler.Abstract {
    /** Bodies are small configuration documents; 50 variables of 5,000 characters fit with room to spare. */
    private static final int MAX_BODY_BYTES = 1 << 20;

    private final Function<String, RuntimeApi> runtimesOf;
    private final Function<String, EndpointApi> endpointsOf;

    /** @param runtimesOf the runtime operations acting for a tenant; {@code endpointsOf} likewise */
    public ControlPlaneHandler(Function<String, RuntimeApi> runtimesOf, Function<String, EndpointApi> endpointsOf) {
        this.runtimesOf = runtimesOf;
        this.endpointsOf = endpointsOf;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        List<String> path = new ArrayList<>(PathSegments.of(request));
        if (path.isEmpty() || !path.getFirst().equals("runtimes") || !request.getHttpURI().getPath().endsWith("/")) {
            return false;
        }
        path.removeLast(); // every control-plane path ends with "/"
        if (path.stream().anyMatch(String::isEmpty)) {
            throw ApiException.validation("Empty path segment in " + request.getHttpURI().getPath()
                    + " (expected: /runtimes/{agentRuntimeId}/...)", new FieldError("agentRuntimeId", "must not be empty"));
        }
        if (!(request.getAttribute(Principal.REQUEST_ATTRIBUTE) instanceof Principal principal)) {
            // The edge authenticates every control-plane request; a bearer token never passes it here.
            throw new ApiException.NotAuthenticated(ErrorType.MISSING_AUTHENTICATION_TOKEN, "Missing Authentication Token");
        }
        RuntimeApi runtimes = runtimesOf.apply(principal.tenant());
        EndpointApi endpoints = endpointsOf.apply(principal.tenant());
        String method = request.getMethod();
        Fields query = Request.extractQueryParameters(request);
        ControlReply reply = switch (path.size()) {
            case 1 -> switch (method) {
                case "PUT" -> runtimes.create(body(request));
                case "POST" -> runtimes.list(param(query, "maxResults"), param(query, "nextToken"));
                default -> null;
            };
            case 2 -> switch (method) {
                case "GET" -> runtimes.get(path.get(1), param(query, "version"));
                case "PUT" -> runtimes.update(path.get(1), body(request));
                case "DELETE" -> runtimes.delete(path.get(1), param(query, "clientToken"), param(query, "version"));
                default -> null;
            };
            case 3 -> switch (path.get(2) + " " + method) {
                case "versions POST" -> runtimes.listVersions(path.get(1), param(query, "maxResults"), param(query, "nextToken"));
                case "runtime-endpoints PUT" -> endpoints.create(path.get(1), body(request));
                case "runtime-endpoints POST" -> endpoints.list(path.get(1), param(query, "maxResults"), param(query, "nextToken"));
                default -> null;
            };
            case 4 -> path.get(2).equals("runtime-endpoints") ? switch (method) {
                case "GET" -> endpoints.get(path.get(1), path.get(3));
                case "PUT" -> endpoints.update(path.get(1), path.get(3), body(request));
                case "DELETE" -> endpoints.delete(path.get(1), path.get(3), param(query, "clientToken"));
                default -> null;
            } : null;
            default -> null;
        };
        if (reply == null) {
            return false;
        }
        Replies.json(response, reply.status(), reply.body(), callback);
        return true;
    }

    private static Optional<String> param(Fields query, String name) {
        return Optional.ofNullable(query.getValue(name));
    }

    private static JsonNode body(Request request) {
        return JsonBodies.read(request, MAX_BODY_BYTES);
    }
}
