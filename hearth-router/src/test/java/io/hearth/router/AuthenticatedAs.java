package io.hearth.router;

import io.hearth.auth.Principal;
import java.util.Optional;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Stands in for the server's edge in router tests: every request arrives as one authenticated principal. */
final class AuthenticatedAs extends Handler.Wrapper {
    private final Principal principal;

    AuthenticatedAs(String account, Handler next) {
        super(next);
        this.principal = new Principal(account, Principal.Kind.ACCESS_KEY, "AKIDROUTERTEST", Optional.empty());
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        request.setAttribute(Principal.REQUEST_ATTRIBUTE, principal);
        return super.handle(request, response, callback);
    }
}
