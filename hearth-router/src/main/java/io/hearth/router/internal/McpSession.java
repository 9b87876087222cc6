package io.hearth.router.internal;

import io.hearth.api.AwsHeaders;
import io.hearth.deployment.Deployment;
import io.hearth.deployment.ServerProtocol;
import io.hearth.session.Exchange;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.eclipse.jetty.http.HttpFields;

/**
 * Which session an MCP call belongs to, and how its {@code Mcp-Session-Id} crosses the proxy (docs/protocols.md).
 *
 * <p>A caller that names its runtime session is left alone: both headers pass unchanged. A caller that names none (an
 * MCP client pointed at the invocation URL) lets Hearth choose: the first call gets a fresh session id, which the
 * caller receives as its {@code Mcp-Session-Id} and echoes on every later call, so all of them reach the same
 * sandbox. A stateful MCP server issues its own id: Hearth keeps it on the session and swaps it in on the way to
 * the agent, so the caller only ever sees one id and the server only ever sees its own (or, until it issued one,
 * the caller's).
 *
 * @param sessionId      the runtime session the call goes to
 * @param issuedByHearth whether Hearth chose it (then the caller's {@code Mcp-Session-Id} is that session id)
 */
public record McpSession(String sessionId, boolean issuedByHearth) {
    private static final int MIN_SESSION_ID = 33;
    private static final int MAX_SESSION_ID = 256;

    /** The session of a call with these inputs to this deployment. */
    public static McpSession of(HttpFields caller, CallerInputs inputs, Deployment deployment) {
        if (deployment.serverProtocol() != ServerProtocol.MCP || !inputs.sessionIdGenerated()) {
            return new McpSession(inputs.sessionId(), false);
        }
        String mcp = caller.get(AwsHeaders.MCP_SESSION_ID);
        if (mcp == null || mcp.isEmpty()) {
            return new McpSession(inputs.sessionId(), true);
        }
        // An id Hearth issued is a session id; any other (a client that kept one from elsewhere) still maps to one
        // session, always the same.
        boolean usable = mcp.length() >= MIN_SESSION_ID && mcp.length() <= MAX_SESSION_ID;
        return new McpSession(usable ? mcp : "mcp-" + sha256(mcp), true);
    }

    /**
     * Proxy→agent: the agent's own MCP session id in place of the one Hearth issued. Before the agent issued one, it
     * gets the caller's as it came: a stateless server accepts any, and a stateful one in a fresh sandbox (the old
     * one ended) knows none and answers 404, which tells an MCP client to initialize again.
     */
    public void toAgent(Exchange exchange, HttpFields.Mutable agent) {
        if (!issuedByHearth) {
            return;
        }
        exchange.agentMcpSessionId().ifPresent(id -> agent.put(AwsHeaders.MCP_SESSION_ID, id));
    }

    /** Agent→caller: remembers an id the agent issued, and gives the caller the session's id instead. */
    public void toCaller(Exchange exchange, HttpFields agent, HttpFields.Mutable caller) {
        if (!issuedByHearth) {
            return;
        }
        String issued = agent.get(AwsHeaders.MCP_SESSION_ID);
        if (issued != null && !issued.isEmpty() && !issued.equals(sessionId)) {
            exchange.agentIssuedMcpSessionId(issued);
        }
        caller.put(AwsHeaders.MCP_SESSION_ID, sessionId);
    }

    private static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
