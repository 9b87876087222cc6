package io.hearth.router.internal;

import io.hearth.api.AwsHeaders;
import io.hearth.auth.Principal;
import java.util.Optional;
import org.eclipse.jetty.server.Request;

/**
 * Who a data-plane call acts for, and so whose sessions it reaches. A SigV4 (or unauthenticated) caller may act for
 * its end users, as IAM's InvokeAgentRuntimeForUser allows: the {@code X-Amzn-Bedrock-AgentCore-Runtime-User-Id}
 * header refines its sessions' owner, so one key serving many users keeps their sessions apart. A JWT caller may
 * not: its user is the token's subject, and the header does not change whose sessions it reaches.
 */
public final class DataPlaneCaller {
    private DataPlaneCaller() {}

    /** The request's principal, refined by the user id where the caller may act for users; empty without one. */
    public static Optional<Principal> of(Request request) {
        if (!(request.getAttribute(Principal.REQUEST_ATTRIBUTE) instanceof Principal principal)) {
            return Optional.empty();
        }
        String user = request.getHeaders().get(AwsHeaders.USER_ID);
        if (user == null || user.isEmpty() || !mayActForUsers(principal)) {
            return Optional.of(principal);
        }
        return Optional.of(principal.actingFor(user));
    }

    public static boolean mayActForUsers(Principal principal) {
        return principal.kind() != Principal.Kind.JWT;
    }
}
