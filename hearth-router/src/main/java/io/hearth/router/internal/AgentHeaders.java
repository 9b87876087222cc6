package io.hearth.router.internal;

import io.hearth.api.AwsHeaders;
import io.hearth.deployment.Deployment;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

/**
 * Which headers cross the proxy, in each direction (docs/wire-contract.md §4). Caller→agent: the session and request ids,
 * the negotiated Content-Type and Accept, AgentCore's custom, MCP and A2A headers, trace context, and the runtime's
 * allow-list; never hop-by-hop, signing or unlisted headers. Agent→caller: only what the InvokeAgentRuntime
 * response models, plus Content-Length and Cache-Control.
 */
public final class AgentHeaders {
    /** The workload access token's two names (the agent SDKs read either); only Hearth sets them. */
    public static final String WORKLOAD_ACCESS_TOKEN = "WorkloadAccessToken";
    public static final String IDENTITY_WAT = "X-Amz-Bedrock-AgentCore-Identity-WAT";

    private static final Set<String> PASSED_TO_AGENT = lower(
            AwsHeaders.USER_ID,
            AwsHeaders.MCP_SESSION_ID,
            AwsHeaders.MCP_PROTOCOL_VERSION,
            "Mcp-Method",
            "Mcp-Name",
            // A2A servers built with the v1.0 SDKs take a request without A2A-Version for a v0.3 one and refuse it.
            "A2A-Version",
            "A2A-Extensions",
            AwsHeaders.TRACE_ID,
            AwsHeaders.TRACEPARENT,
            AwsHeaders.TRACESTATE,
            AwsHeaders.BAGGAGE);

    /** Never forwarded, whatever an allow-list says: hop-by-hop (RFC 9110 §7.6.1), framing, and identity of the edge. */
    private static final Set<String> NEVER = lower(
            "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization", "TE",
            "Trailer", "Transfer-Encoding", "Upgrade", "Host", "Content-Length", "Expect", "Cookie",
            AwsHeaders.SESSION_ID, AwsHeaders.AGENT_REQUEST_ID, WORKLOAD_ACCESS_TOKEN, IDENTITY_WAT);

    private static final String CUSTOM_PREFIX = AwsHeaders.CUSTOM_PREFIX.toLowerCase(Locale.ROOT);

    private static final Set<String> PASSED_TO_CALLER = lower(
            AwsHeaders.MCP_SESSION_ID,
            AwsHeaders.MCP_PROTOCOL_VERSION,
            "A2A-Extensions",
            AwsHeaders.TRACE_ID,
            AwsHeaders.TRACEPARENT,
            AwsHeaders.TRACESTATE,
            AwsHeaders.BAGGAGE,
            "Content-Length",
            "Cache-Control");

    private AgentHeaders() {}

    /** The headers of the proxy→agent request, beyond Content-Type, Accept and framing. */
    public static void toAgent(HttpFields caller, Deployment deployment, String sessionId, String requestId,
            HttpFields.Mutable agent) {
        toAgent(caller, deployment, sessionId, requestId, Optional.empty(), agent);
    }

    /** The same, with the workload access token Hearth minted for the call (a caller's own is never forwarded). */
    public static void toAgent(HttpFields caller, Deployment deployment, String sessionId, String requestId,
            Optional<String> workloadToken, HttpFields.Mutable agent) {
        Set<String> allowed = deployment.forwardedHeaders();
        for (HttpField field : caller) {
            String name = field.getLowerCaseName();
            if (NEVER.contains(name)) {
                continue;
            }
            boolean custom = name.startsWith(CUSTOM_PREFIX);
            boolean authorization = name.equals("authorization") && deployment.jwtAuthorized();
            if (custom || authorization || PASSED_TO_AGENT.contains(name) || allowed.contains(name)) {
                agent.add(field);
            }
        }
        agent.put(AwsHeaders.SESSION_ID, sessionId);
        agent.put(AwsHeaders.AGENT_REQUEST_ID, requestId);
        workloadToken.ifPresent(token -> {
            agent.put(WORKLOAD_ACCESS_TOKEN, token);
            agent.put(IDENTITY_WAT, token);
        });
    }

    /** Copies the agent's modeled response headers to the caller. */
    public static void toCaller(HttpFields agent, HttpFields.Mutable caller) {
        for (HttpField field : agent) {
            if (PASSED_TO_CALLER.contains(field.getLowerCaseName())) {
                caller.add(field);
            }
        }
        String contentType = agent.get(HttpHeader.CONTENT_TYPE);
        // contentType is a required response member: an agent that names none is taken to speak JSON.
        caller.put(HttpHeader.CONTENT_TYPE, contentType == null ? "application/json" : contentType);
    }

    private static Set<String> lower(String... names) {
        var set = new TreeSet<String>();
        for (String name : names) {
            set.add(name.toLowerCase(Locale.ROOT));
        }
        return Set.copyOf(set);
    }
}
