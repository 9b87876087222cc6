package io.hearth.server.internal;

import io.hearth.quota.QuotaSettings;
import io.hearth.quota.QuotaSnapshot;
import io.hearth.quota.Quotas;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** The quotas as the start-up log and {@code GET /hearth/v1/quotas} show them. */
public final class QuotaSummary {
    private QuotaSummary() {}

    /** One line for the start-up log. */
    public static String of(Quotas quotas) {
        QuotaSettings s = quotas.settings();
        QuotaSnapshot.Node node = quotas.snapshot().node();
        String sandboxes = node.maxSandboxes().isPresent()
                ? "at most " + node.maxSandboxes().getAsInt() + " live sandboxes"
                : "live sandboxes' memory limits up to " + (node.memoryBudgetBytes().orElse(0) >> 20) + " MiB";
        return "InvokeAgentRuntime " + s.invocations().describe() + " and new sessions " + s.newSessions().describe()
                + " per endpoint; " + s.activeSessionsPerTenant() + " active sessions per account; " + sandboxes
                + "; " + s.maxColdStarts() + " cold starts at once";
    }

    public static Map<String, Object> view(QuotaSnapshot snapshot) {
        var node = new LinkedHashMap<String, Object>();
        QuotaSnapshot.Node n = snapshot.node();
        node.put("liveSandboxes", n.liveSandboxes());
        n.maxSandboxes().ifPresent(max -> node.put("maxSandboxes", max));
        node.put("memoryCommittedBytes", n.memoryCommittedBytes());
        n.memoryBudgetBytes().ifPresent(budget -> node.put("memoryBudgetBytes", budget));
        node.put("coldStartsRunning", n.coldStartsRunning());
        node.put("coldStartsWaiting", n.coldStartsWaiting());
        node.put("maxColdStarts", n.maxColdStarts());
        node.put("coldStartQueue", n.coldStartQueue());

        var tenants = snapshot.tenants().stream().map(t -> {
            var view = new LinkedHashMap<String, Object>();
            view.put("tenant", t.tenant());
            view.put("activeSessions", t.activeSessions());
            view.put("maxActiveSessions", t.maxActiveSessions());
            if (!t.own().isEmpty()) {
                view.put("own", t.own().asMap());
            }
            return view;
        }).toList();

        var endpoints = snapshot.endpoints().stream().map(e -> {
            var view = new LinkedHashMap<String, Object>();
            view.put("runtimeId", e.key().runtimeId());
            view.put("endpointName", e.key().endpointName());
            view.put("rate", e.rate());
            view.put("permits", e.limit().permits());
            view.put("periodSeconds", e.limit().period().toSeconds());
            view.put("burst", e.limit().burst());
            view.put("available", e.available());
            return view;
        }).toList();

        var refusals = new TreeMap<String, Object>();
        snapshot.refusals().forEach((kind, count) -> refusals.put(kind.wireName(), count));

        var view = new LinkedHashMap<String, Object>();
        view.put("node", node);
        view.put("tenants", tenants);
        view.put("endpoints", endpoints);
        view.put("refusals", refusals);
        return view;
    }
}
