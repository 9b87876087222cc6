package io.hearth.server.internal;

import io.hearth.api.ApiException;
import io.hearth.api.FieldError;
import io.hearth.auth.Principal;
import io.hearth.deployment.SessionBudgets;
import io.hearth.http.JsonBodies;
import io.hearth.http.PathSegments;
import io.hearth.http.Replies;
import io.hearth.store.Store;
import io.hearth.store.StoredAccessKey;
import io.hearth.store.StoredPrincipalBudget;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import tools.jackson.databind.JsonNode;

/**
 * Per-principal session budgets, under {@code /hearth/v1/budgets/principals}: {@code GET} lists them,
 * {@code PUT /{principal}} sets one (the body's kinds replace the earlier budget whole), {@code GET /{principal}}
 * shows it, {@code DELETE /{principal}} removes it. A principal is an access key id, or {@code jwt:<issuer> <subject>}
 * for callers with a bearer token. The root tenant manages every one; another tenant, only those of its own access
 * keys. A change is stored first, then applied to sessions that start after it; a restart keeps it.
 */
public final class PrincipalBudgetsApiHandler extends Handler.Abstract {
    private static final int MAX_BODY_BYTES = 16 * 1024;
    private static final String JWT = "jwt:";
    private static final String USAGE = "(expected: GET /hearth/v1/budgets/principals, or GET, PUT or DELETE"
            + " /hearth/v1/budgets/principals/{principal})";

    private final Store store;
    private final Tenancy tenancy;
    private final Clock clock;
    /** What sessions read as they start: a store query per session start would be on the request's path. */
    private final Map<String, SessionBudgets.Limits> budgets = new ConcurrentHashMap<>();

    public PrincipalBudgetsApiHandler(Store store, String rootTenant, Clock clock) {
        this.store = store;
        this.tenancy = new Tenancy(rootTenant, (tenant, runtimeId) -> false);
        this.clock = clock;
        store.transaction(tx -> tx.principalBudgets()).forEach(b -> budgets.put(b.principal(), limits(b)));
    }

    /**
     * The budget of a session's principal, by the session's owner key ({@code Principal.ownerKey()}): every end user
     * a principal acts for shares the principal's budget, one session at a time.
     */
    public Optional<SessionBudgets.PrincipalLimits> forOwner(String ownerKey) {
        String principal = principalOf(ownerKey);
        SessionBudgets.Limits limits = budgets.get(principal);
        return limits == null ? Optional.empty() : Optional.of(new SessionBudgets.PrincipalLimits(principal, limits));
    }

    static String principalOf(String ownerKey) {
        int user = ownerKey.indexOf('#');
        String owner = user < 0 ? ownerKey : ownerKey.substring(0, user);
        String accessKey = Principal.Kind.ACCESS_KEY + ":";
        String jwt = Principal.Kind.JWT + ":";
        if (owner.startsWith(accessKey)) {
            return owner.substring(accessKey.length());
        }
        return owner.startsWith(jwt) ? JWT + owner.substring(jwt.length()) : owner;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        List<String> path = PathSegments.of(request);
        if (path.size() < 3 || !path.get(0).equals("hearth") || !path.get(1).equals("v1") || !path.get(2).equals("budgets")) {
            return false;
        }
        Principal caller = Tenancy.caller(request);
        String method = request.getMethod();
        if (path.size() < 4 || path.size() > 5 || !path.get(3).equals("principals")) {
            throw ApiException.notFound("No budget operation at " + method + " " + request.getHttpURI().getPath() + " " + USAGE);
        }
        if (path.size() == 4) {
            if (!method.equals("GET")) {
                throw ApiException.notFound("No budget operation at " + method + " " + request.getHttpURI().getPath() + " " + USAGE);
            }
            List<Map<String, Object>> listed = store.transaction(tx -> tx.principalBudgets().stream()
                    .filter(b -> tenancy.isRoot(caller) || ownedBy(b.principal(), caller.tenant()))
                    .map(PrincipalBudgetsApiHandler::view).toList());
            Replies.json(response, 200, Map.of("principalBudgets", listed), callback);
            return true;
        }
        String principal = path.get(4);
        checkPrincipal(principal);
        checkManages(caller, principal);
        switch (method) {
            case "GET" -> Replies.json(response, 200, view(stored(principal)), callback);
            case "PUT" -> {
                SessionBudgets.Limits limits = parse(JsonBodies.read(request, MAX_BODY_BYTES));
                Replies.json(response, 200, view(save(principal, limits)), callback);
            }
            case "DELETE" -> {
                delete(principal);
                Replies.empty(response, 204, callback);
            }
            default -> throw ApiException.notFound("No budget operation at " + method + " "
                    + request.getHttpURI().getPath() + " " + USAGE);
        }
        return true;
    }

    private static void checkPrincipal(String principal) {
        boolean jwt = principal.startsWith(JWT) && principal.length() > JWT.length() && principal.length() <= 1024;
        if (!jwt && !principal.matches("[A-Z0-9]{4,128}")) {
            String message = "principal: " + principal + " (expected: an access key id, or " + JWT + "<issuer> <subject>)";
            throw ApiException.validation(message, new FieldError("principal", message));
        }
    }

    /** The root tenant manages every principal; another tenant only its own access keys, and sees no other. */
    private void checkManages(Principal caller, String principal) {
        if (tenancy.isRoot(caller)) {
            if (!principal.startsWith(JWT) && store.transaction(tx -> tx.accessKey(principal)).isEmpty()) {
                throw ApiException.notFound("Access key " + principal + " not found");
            }
            return;
        }
        if (!ownedBy(principal, caller.tenant())) {
            throw new ApiException.AccessDenied("Budgets of " + principal + " are not for callers of account "
                    + caller.tenant() + " (expected: one of its own access keys; other principals' budgets are managed"
                    + " by callers of account " + tenancy.root() + ")");
        }
    }

    private boolean ownedBy(String principal, String tenant) {
        return !principal.startsWith(JWT) && store.transaction(tx -> tx.accessKey(principal))
                .map(StoredAccessKey::tenant).filter(tenant::equals).isPresent();
    }

    private static SessionBudgets.Limits parse(JsonNode body) {
        if (!body.isObject() || body.isEmpty()) {
            throw ApiException.validation("body: " + (body.isObject() ? "{}" : body.getNodeType())
                    + " (expected: a JSON object of one or more budgets, such as {\"" + SessionBudgets.INVOCATIONS
                    + "\": 100})");
        }
        var values = new LinkedHashMap<String, Long>();
        for (var field : body.properties()) {
            String name = field.getKey();
            JsonNode value = field.getValue();
            if (!SessionBudgets.KINDS.contains(name)) {
                String message = name + ": not a budget (expected: one of " + String.join(", ", SessionBudgets.KINDS) + ")";
                throw ApiException.validation(message, new FieldError(name, message));
            }
            long max = SessionBudgets.max(name);
            if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 1 || value.longValue() > max) {
                String message = name + ": " + value + " (expected: a whole number from 1 to " + max + ")";
                throw ApiException.validation(message, new FieldError(name, message));
            }
            values.put(name, value.longValue());
        }
        return SessionBudgets.Limits.of(values);
    }

    private StoredPrincipalBudget stored(String principal) {
        return store.transaction(tx -> tx.principalBudget(principal)).orElseThrow(() -> notFound(principal));
    }

    /** One change at a time, so the map sessions read never disagrees with the store. */
    private synchronized StoredPrincipalBudget save(String principal, SessionBudgets.Limits limits) {
        var saved = new StoredPrincipalBudget(principal, limits.wallClockSeconds(), limits.cpuSeconds(),
                limits.invocations(), limits.streamedBytes(), clock.instant());
        store.transaction(tx -> {
            tx.savePrincipalBudget(saved);
            return null;
        });
        budgets.put(principal, limits);
        return saved;
    }

    private synchronized void delete(String principal) {
        store.transaction(tx -> {
            tx.principalBudget(principal).orElseThrow(() -> notFound(principal));
            tx.deletePrincipalBudget(principal);
            return null;
        });
        budgets.remove(principal);
    }

    private static ApiException notFound(String principal) {
        return ApiException.notFound("No budget for principal " + principal);
    }

    private static Map<String, Object> view(StoredPrincipalBudget b) {
        var view = new LinkedHashMap<String, Object>();
        view.put("principal", b.principal());
        SessionBudgets.Limits limits = limits(b);
        for (String kind : SessionBudgets.KINDS) {
            OptionalLong value = limits.of(kind);
            value.ifPresent(v -> view.put(kind, v));
        }
        view.put("updatedAt", b.updatedAt().toString());
        return view;
    }

    private static SessionBudgets.Limits limits(StoredPrincipalBudget b) {
        return new SessionBudgets.Limits(b.wallClockSeconds(), b.cpuSeconds(), b.invocations(), b.streamedBytes());
    }
}
