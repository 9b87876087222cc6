package io.hearth.router.internal;

import static java.util.Objects.requireNonNull;

import io.hearth.api.ApiException;
import io.hearth.api.AwsIdentity;
import io.hearth.api.ErrorType;
import io.hearth.auth.Principal;
import io.hearth.deployment.Deployment;
import io.hearth.deployment.Deployments;
import io.hearth.http.RequestIds;
import io.hearth.quota.QuotaRefusal;
import io.hearth.session.SessionException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.slf4j.Logger;

/**
 * How every data-plane operation (invocations, commands, sockets) learns who calls and which deployment it names:
 * one order of checks for all, so that no operation judges a caller differently (docs/authentication.md).
 */
public final class RuntimeCallers {
    private final Deployments deployments;
    private final AwsIdentity identity;
    private final CallerAuth callerAuth;

    public RuntimeCallers(Deployments deployments, AwsIdentity identity, CallerAuth callerAuth) {
        this.deployments = requireNonNull(deployments, "deployments");
        this.identity = requireNonNull(identity, "identity");
        this.callerAuth = requireNonNull(callerAuth, "callerAuth");
    }

    /** A caller, the runtime it named, and the deployment serving that runtime's endpoint. */
    public record Resolved(Principal caller, String runtimeId, Deployment deployment) {}

    /**
     * Authenticates the caller (a principal the edge verified, or the bearer token a JWT runtime's authorizer accepts)
     * and resolves the deployment the label and qualifier name in the caller's account.
     */
    public Resolved resolve(Request request, Response response, String label, CallerInputs inputs) {
        authenticateUnsigned(request, response, label, inputs);
        Principal caller = caller(request);
        String runtimeId = RuntimeLabel.runtimeId(label, inputs.accountId(), identity, caller.tenant());
        Deployment deployment = resolve(caller.tenant(), runtimeId, inputs.qualifier());
        callerAuth.authenticate(request, response, deployment, inputs.qualifier());
        // The caller may have become a JWT principal just now: whose session it is is read after that.
        return new Resolved(caller(request), runtimeId, deployment);
    }

    /**
     * The deployment, or, for a runtime or endpoint that exists but is not READY yet, the data plane's retryable 409
     * ({@code RetryableConflictException}), which says "the same call succeeds later".
     */
    public Deployment resolve(String tenant, String runtimeId, String qualifier) {
        try {
            return deployments.resolve(tenant, runtimeId, qualifier);
        } catch (ApiException.Conflict e) {
            throw new ApiException.RetryableConflict(e.getMessage());
        }
    }

    /** The deployment a label names, in the account the label names (for callers whose tenant is not known yet). */
    public Deployment resolveNamed(String label, CallerInputs inputs) {
        String tenant = CallerAuth.namedTenant(label, inputs.accountId(), identity);
        return resolve(tenant, RuntimeLabel.runtimeId(label, inputs.accountId(), identity, tenant), inputs.qualifier());
    }

    /**
     * A call the edge let through without a principal (a bearer token, or none) is judged by the runtime it names: a
     * JWT runtime's authorizer verifies the token and the caller becomes its principal; any other runtime, or none,
     * refuses it the same way, so such a caller learns nothing about which runtimes exist.
     */
    public void authenticateUnsigned(Request request, Response response, String label, CallerInputs inputs) {
        if (request.getAttribute(Principal.REQUEST_ATTRIBUTE) instanceof Principal) {
            return;
        }
        Deployment deployment;
        try {
            deployment = resolveNamed(label, inputs);
        } catch (ApiException.NotFound e) {
            throw CallerAuth.refusedWithoutPrincipal(request.getHeaders().get(HttpHeader.AUTHORIZATION));
        }
        if (!deployment.jwtAuthorized()) {
            throw CallerAuth.refusedWithoutPrincipal(request.getHeaders().get(HttpHeader.AUTHORIZATION));
        }
        callerAuth.authenticate(request, response, deployment, inputs.qualifier());
    }

    /** The caller the edge authenticated, refined by the end user it acts for where it may. */
    public static Principal caller(Request request) {
        return DataPlaneCaller.of(request).orElseThrow(() -> new ApiException.NotAuthenticated(
                ErrorType.MISSING_AUTHENTICATION_TOKEN, "Missing Authentication Token"));
    }

    /** What a data-plane operation threw, as the caller's AWS error; anything unforeseen is logged as an internal one. */
    public static ApiException toApi(Request request, RuntimeException failure, Logger log) {
        return switch (failure) {
            case ApiException e -> e;
            case SessionException e -> SessionErrors.toApi(e);
            case QuotaRefusal e -> e.toApi();
            default -> {
                log.error("{} {} ({}) failed", request.getMethod(), request.getHttpURI().getPath(), RequestIds.of(request),
                        failure);
                yield ApiException.internal("Internal error; request id " + RequestIds.of(request), failure);
            }
        };
    }
}
