package io.hearth.router.internal;

import io.hearth.api.ApiException;
import io.hearth.session.EndReason;
import io.hearth.session.SessionException;

/** The one place session failures become AWS errors. */
public final class SessionErrors {
    private SessionErrors() {}

    /** AgentCore answers RuntimeClientError (424) whenever the agent could not take the request. */
    public static ApiException toApi(SessionException failure) {
        return switch (failure) {
            case SessionException.StartFailed e -> ApiException.runtimeClient(e.getMessage(), e);
            case SessionException.NotReady e -> ApiException.runtimeClient(e.getMessage(), e);
            // A used-up budget is the caller's limit, not the agent's failure: it says which one (docs/budgets.md).
            case SessionException.Ended e when e.reason() == EndReason.BUDGET -> new ApiException.QuotaExceeded(e.getMessage());
            case SessionException.Ended e -> ApiException.runtimeClient(e.getMessage(), e);
            case SessionException.Interrupted e -> ApiException.internal(e.getMessage(), e);
        };
    }
}
