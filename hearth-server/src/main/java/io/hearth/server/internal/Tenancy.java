package io.hearth.server.internal;

import static java.util.Objects.requireNonNull;

import io.hearth.api.ApiException;
import io.hearth.api.ErrorType;
import io.hearth.auth.Principal;
import java.util.function.BiPredicate;
import org.eclipse.jetty.server.Request;

/**
 * What a caller of the Hearth-native APIs may see. The root tenant (the server's own account, the operator's) sees
 * every tenant's sessions and pools and alone manages keys and reads the node's quotas; any other tenant sees only
 * what belongs to its runtimes, and another tenant's runtime reads as one that does not exist.
 *
 * @param root the server's account
 * @param owns whether a runtime (by id) belongs to a tenant
 */
record Tenancy(String root, BiPredicate<String, String> owns) {
    Tenancy {
        requireNonNull(root, "root");
        requireNonNull(owns, "owns");
    }

    /** The principal the edge authenticated; every request past the edge has one. */
    static Principal caller(Request request) {
        if (request.getAttribute(Principal.REQUEST_ATTRIBUTE) instanceof Principal principal) {
            return principal;
        }
        throw new ApiException.NotAuthenticated(ErrorType.MISSING_AUTHENTICATION_TOKEN, "Missing Authentication Token");
    }

    boolean isRoot(Principal caller) {
        return caller.tenant().equals(root);
    }

    /** Whether the caller may see what belongs to the runtime of a tenant. */
    boolean sees(Principal caller, String runtimeTenant) {
        return isRoot(caller) || caller.tenant().equals(runtimeTenant);
    }

    /** Refuses, as a runtime that does not exist, one the caller may not reach. */
    void checkRuntime(Principal caller, String runtimeId) {
        if (!isRoot(caller) && !owns.test(caller.tenant(), runtimeId)) {
            throw ApiException.notFound("Agent runtime " + runtimeId + " not found");
        }
    }

    /** Refuses a caller that is not of the root tenant. */
    void checkRoot(Principal caller, String what) {
        if (!isRoot(caller)) {
            throw new ApiException.AccessDenied(what + " is for callers of account " + root
                    + " (expected: a request signed with a key of that account)");
        }
    }
}
