package io.hearth.router.internal;

import static java.util.Objects.requireNonNull;

import io.hearth.api.ApiException;
import io.hearth.api.AwsHeaders;
import io.hearth.api.ErrorType;
import io.hearth.api.Json;
import io.hearth.auth.AuthException;
import io.hearth.auth.JwtAuthorizer;
import io.hearth.auth.JwtAuthorizerConfig;
import io.hearth.auth.Principal;
import io.hearth.auth.ProtectedResourceMetadata;
import io.hearth.auth.WorkloadTokens;
import io.hearth.deployment.Deployment;
import io.hearth.deployment.Deployments;
import io.hearth.api.AwsIdentity;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import tools.jackson.databind.node.ObjectNode;

/**
 * Who a data-plane call is from, decided by its runtime (docs/authentication.md, JWT runtimes): a runtime with a
 * {@code customJWTAuthorizer} takes only bearer tokens, verified by that runtime version's authorizer; every other
 * runtime takes only SigV4, which the edge verified. Also mints the workload access token the agent receives.
 */
public final class CallerAuth {
    /** The request attribute holding the workload access token minted for the call. */
    public static final String WORKLOAD_TOKEN = CallerAuth.class.getName() + ".workloadToken";
    /** Authorizers kept at most; beyond that the cache starts again (each refetches its provider's keys). */
    private static final int MAX_AUTHORIZERS = 4_096;

    private final ConcurrentHashMap<String, JwtAuthorizer> authorizers = new ConcurrentHashMap<>();
    private final Optional<WorkloadTokens> workloadTokens;

    public CallerAuth(Optional<WorkloadTokens> workloadTokens) {
        this.workloadTokens = requireNonNull(workloadTokens, "workloadTokens");
    }

    /** Whether a call may skip to the hot path: its caller is already known and its runtime takes SigV4. */
    public static boolean knownForHotPath(Request request, Deployment deployment) {
        return request.getAttribute(Principal.REQUEST_ATTRIBUTE) instanceof Principal && !deployment.jwtAuthorized();
    }

    /**
     * The caller of a call to {@code deployment}, left in {@link Principal#REQUEST_ATTRIBUTE}. May block: an
     * authorizer fetches its provider's discovery document and keys.
     *
     * @throws ApiException 401 {@code UnauthorizedException} (with the {@code WWW-Authenticate} challenge set on
     *                      {@code response}) for a missing or bad bearer token; 403 for the wrong kind of credentials
     */
    public Principal authenticate(Request request, Response response, Deployment deployment, String qualifier) {
        String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        // A runtime's authorizer is the runtime's own setting: it holds with the server's authentication off too, where
        // the edge names every caller anonymous.
        if (request.getAttribute(Principal.REQUEST_ATTRIBUTE) instanceof Principal principal
                && !(deployment.jwtAuthorized() && principal.kind() == Principal.Kind.ANONYMOUS)) {
            if (deployment.jwtAuthorized() && principal.kind() == Principal.Kind.ACCESS_KEY) {
                throw new ApiException.AccessDenied("Authorization method mismatch: agent runtime "
                        + deployment.runtimeArn() + " has a customJWTAuthorizer and takes OAuth bearer tokens, not"
                        + " SigV4 signatures (expected: Authorization: Bearer <JWT>, without SigV4)");
            }
            return principal;
        }
        if (!deployment.jwtAuthorized()) {
            throw refusedWithoutPrincipal(authorization);
        }
        var metadata = new ProtectedResourceMetadata(base(request), deployment.runtimeArn(), qualifier);
        try {
            String token = JwtAuthorizer.bearerToken(Optional.ofNullable(authorization));
            Principal principal = authorizer(deployment).authorize(token, tenant(deployment));
            request.setAttribute(Principal.REQUEST_ATTRIBUTE, principal);
            return principal;
        } catch (AuthException e) {
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, metadata.challenge());
            throw new ApiException.Unauthorized(e.getMessage());
        }
    }

    /**
     * What a caller without a principal hears about a runtime that is not a JWT runtime, or none at all: the same
     * answer either way, so it learns nothing about which runtimes exist.
     */
    public static ApiException refusedWithoutPrincipal(String authorization) {
        if (authorization == null) {
            return new ApiException.NotAuthenticated(ErrorType.MISSING_AUTHENTICATION_TOKEN, "Missing Authentication Token");
        }
        return new ApiException.AccessDenied("Authorization method mismatch: bearer tokens are taken only by agent"
                + " runtimes with a customJWTAuthorizer (expected: a SigV4 signature for this runtime)");
    }

    /** The RFC 9728 document of a JWT runtime's endpoint; 404 for a runtime without an authorizer. */
    public ObjectNode resourceMetadata(Request request, Deployment deployment, String qualifier) {
        if (!deployment.jwtAuthorized()) {
            throw ApiException.notFound("No protected-resource metadata for agent runtime " + deployment.runtimeArn()
                    + " (expected: a runtime with a customJWTAuthorizer)");
        }
        try {
            return new ProtectedResourceMetadata(base(request), deployment.runtimeArn(), qualifier)
                    .document(authorizer(deployment));
        } catch (AuthException e) {
            throw new ApiException.Unauthorized(e.getMessage());
        }
    }

    /** Mints the call's workload access token, for {@link AgentHeaders} to hand the agent. */
    public void attachWorkloadToken(Request request, Deployment deployment, String sessionId) {
        if (workloadTokens.isEmpty()
                || !(request.getAttribute(Principal.REQUEST_ATTRIBUTE) instanceof Principal principal)) {
            return;
        }
        Optional<String> user = switch (principal.kind()) {
            // The token's subject is the end user; the caller names no other (AgentCore ignores the user-id header then).
            case JWT -> Optional.of(principal.identity().substring(principal.identity().indexOf(' ') + 1));
            case ACCESS_KEY, ANONYMOUS -> principal.userId()
                    .or(() -> Optional.ofNullable(request.getHeaders().get(AwsHeaders.USER_ID)));
        };
        String token = workloadTokens.get().issue(new WorkloadTokens.Claims(base(request).toString(),
                tenant(deployment), deployment.runtimeArn(), deployment.endpointName(), sessionId, user,
                principal.identity()));
        request.setAttribute(WORKLOAD_TOKEN, token);
    }

    private JwtAuthorizer authorizer(Deployment deployment) {
        String json = deployment.jwtAuthorizer().orElseThrow(() -> new IllegalStateException("deployment "
                + deployment.runtimeId() + " v" + deployment.version() + ": jwtAuthorized without its configuration"));
        // A version's configuration never changes; the JSON is in the key so a rebuilt runtime id cannot reuse one.
        String key = deployment.runtimeArn() + "\n" + deployment.version() + "\n" + json;
        JwtAuthorizer cached = authorizers.get(key);
        if (cached != null) {
            return cached;
        }
        if (authorizers.size() >= MAX_AUTHORIZERS) {
            authorizers.clear();
        }
        return authorizers.computeIfAbsent(key,
                k -> new JwtAuthorizer(JwtAuthorizerConfig.fromJson(Json.tree(json.getBytes(StandardCharsets.UTF_8)))));
    }

    /** Hearth's endpoint as this caller reached it: scheme, host and port of the request. */
    static URI base(Request request) {
        HttpURI uri = request.getHttpURI();
        String scheme = uri.getScheme();
        String authority = uri.getAuthority();
        // Callers of one server nearly always name it the same way: the last one parsed is reused.
        Base last = lastBase;
        if (last != null && last.authority().equals(authority) && last.scheme().equals(scheme)) {
            return last.uri();
        }
        URI parsed = URI.create(scheme + "://" + authority);
        lastBase = new Base(scheme, authority, parsed);
        return parsed;
    }

    private record Base(String scheme, String authority, URI uri) {}

    private static volatile Base lastBase;

    /** The runtime's account: the one in its ARN. */
    static String tenant(Deployment deployment) {
        return Deployments.ownerOf(deployment);
    }

    /**
     * The account a path label names, for a caller whose tenant is not known yet: the ARN's account, else
     * {@code accountId}, else the server's own. {@link RuntimeLabel} checks the label itself.
     */
    public static String namedTenant(String label, Optional<String> accountId, AwsIdentity identity) {
        if (label.startsWith("arn:")) {
            String[] parts = label.split(":", 6);
            return parts.length == 6 ? parts[4] : identity.accountId();
        }
        return accountId.orElse(identity.accountId());
    }
}
