package io.hearth.server.internal;

import io.hearth.api.ApiException;
import io.hearth.api.FieldError;
import io.hearth.control.ControlLimits;
import io.hearth.http.JsonBodies;
import io.hearth.http.PathSegments;
import io.hearth.http.Replies;
import io.hearth.quota.Quotas;
import io.hearth.quota.TenantLimits;
import io.hearth.store.Store;
import io.hearth.store.StoredTenantQuotas;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import tools.jackson.databind.JsonNode;

/**
 * A tenant's own limits, under {@code /hearth/v1/tenants/{account}/quotas}: {@code GET} shows them with the limits
 * that apply, {@code PUT} sets those in the body (a {@code null} value removes one), {@code DELETE} removes them all.
 * Only callers of the server's own account (the root tenant) may call. A change is stored first, then applied: the
 * next request sees it, and a restart keeps it.
 */
public final class TenantQuotasApiHandler extends Handler.Abstract {
    private static final int MAX_BODY_BYTES = 16 * 1024;

    private final Store store;
    private final Quotas quotas;
    private final Tenancy tenancy;
    private final Clock clock;

    public TenantQuotasApiHandler(Store store, Quotas quotas, String rootTenant, Clock clock) {
        this.store = store;
        this.quotas = quotas;
        this.tenancy = new Tenancy(rootTenant, (tenant, runtimeId) -> false);
        this.clock = clock;
    }

    /** Applies the stored limits of every tenant: once, at start. */
    public static void load(Store store, Quotas quotas) {
        store.transaction(tx -> tx.allTenantQuotas()).forEach(q -> quotas.setTenantLimits(q.tenant(), limits(q)));
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        List<String> path = PathSegments.of(request);
        if (path.size() < 3 || !path.get(0).equals("hearth") || !path.get(1).equals("v1") || !path.get(2).equals("tenants")) {
            return false;
        }
        tenancy.checkRoot(Tenancy.caller(request), "Managing tenant quotas");
        String method = request.getMethod();
        if (path.size() != 5 || !path.get(4).equals("quotas")) {
            throw ApiException.notFound("No tenant operation at " + method + " " + request.getHttpURI().getPath()
                    + " (expected: GET, PUT or DELETE /hearth/v1/tenants/{account}/quotas)");
        }
        String tenant = path.get(3);
        if (!tenant.matches("[0-9]{12}")) {
            String message = "account: " + tenant + " (expected: a 12-digit account id)";
            throw ApiException.validation(message, new FieldError("account", message));
        }
        switch (method) {
            case "GET" -> Replies.json(response, 200, view(tenant), callback);
            case "PUT" -> {
                JsonNode body = JsonBodies.read(request, MAX_BODY_BYTES);
                change(tenant, body);
                Replies.json(response, 200, view(tenant), callback);
            }
            case "DELETE" -> {
                save(tenant, TenantLimits.NONE);
                Replies.empty(response, 204, callback);
            }
            default -> throw ApiException.notFound("No tenant operation at " + method + " " + request.getHttpURI().getPath()
                    + " (expected: GET, PUT or DELETE /hearth/v1/tenants/{account}/quotas)");
        }
        return true;
    }

    /** The current limits with the body's changes: a number sets a limit, {@code null} removes it. */
    private static TenantLimits apply(TenantLimits current, JsonNode body) {
        if (!body.isObject()) {
            throw ApiException.validation("body: " + body.getNodeType() + " (expected: a JSON object of limits, such as"
                    + " {\"" + TenantLimits.ACTIVE_SESSIONS + "\": 10})");
        }
        Map<String, Integer> values = new HashMap<>(current.asMap());
        for (var field : body.properties()) {
            String name = field.getKey();
            JsonNode value = field.getValue();
            if (!TenantLimits.names().contains(name)) {
                String message = name + ": not a tenant limit (expected: one of " + String.join(", ", TenantLimits.names()) + ")";
                throw ApiException.validation(message, new FieldError(name, message));
            }
            if (value.isNull()) {
                values.remove(name);
            } else if (value.isIntegralNumber() && value.canConvertToInt()) {
                values.put(name, value.intValue());
            } else {
                String message = name + ": " + value + " (expected: a whole number from 0 to " + TenantLimits.MAX_VALUE
                        + ", or null to remove it)";
                throw ApiException.validation(message, new FieldError(name, message));
            }
        }
        try {
            return TenantLimits.of(values);
        } catch (IllegalArgumentException e) {
            String name = e.getMessage().substring(0, Math.max(0, e.getMessage().indexOf(':')));
            throw ApiException.validation(e.getMessage(), new FieldError(name, e.getMessage()));
        }
    }

    /** One change at a time, so two at once cannot each keep the other's limits from being merged. */
    private synchronized void change(String tenant, JsonNode body) {
        save(tenant, apply(quotas.tenantLimits(tenant), body));
    }

    private synchronized void save(String tenant, TenantLimits limits) {
        store.transaction(tx -> {
            if (limits.isEmpty()) {
                tx.deleteTenantQuotas(tenant);
            } else {
                tx.saveTenantQuotas(new StoredTenantQuotas(tenant, limits.activeSessions(), limits.agents(),
                        limits.versionsPerAgent(), limits.endpointsPerAgent(), limits.invocationsPerSecond(), clock.instant()));
            }
            return null;
        });
        quotas.setTenantLimits(tenant, limits);
    }

    private Map<String, Object> view(String tenant) {
        TenantLimits own = quotas.tenantLimits(tenant);
        var effective = new LinkedHashMap<String, Object>();
        effective.put(TenantLimits.ACTIVE_SESSIONS, quotas.activeSessionsLimit(tenant));
        effective.put(TenantLimits.AGENTS, own.agents().orElse(ControlLimits.DEFAULT.agents()));
        effective.put(TenantLimits.VERSIONS_PER_AGENT, own.versionsPerAgent().orElse(ControlLimits.DEFAULT.versionsPerAgent()));
        effective.put(TenantLimits.ENDPOINTS_PER_AGENT, own.endpointsPerAgent().orElse(ControlLimits.DEFAULT.endpointsPerAgent()));
        own.invocationsPerSecond().ifPresent(v -> effective.put(TenantLimits.INVOCATIONS_PER_SECOND, v));
        var view = new LinkedHashMap<String, Object>();
        view.put("tenant", tenant);
        view.put("own", own.asMap());
        view.put("effective", effective);
        return view;
    }

    private static TenantLimits limits(StoredTenantQuotas q) {
        return new TenantLimits(q.maxActiveSessions(), q.maxAgents(), q.maxVersionsPerAgent(), q.maxEndpointsPerAgent(),
                q.maxInvocationsPerSecond());
    }
}
