package io.hearth.router.internal;

import io.hearth.api.ApiException;
import io.hearth.api.AwsHeaders;
import io.hearth.api.FieldError;
import io.hearth.api.Workers;
import io.hearth.deployment.Deployment;
import io.hearth.deployment.ServerProtocol;
import java.util.concurrent.RejectedExecutionException;
import org.eclipse.jetty.server.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two MCP streamable-HTTP methods beyond POST on the invocation URL: GET opens the server's stream of messages,
 * DELETE ends the MCP session (docs/protocols.md). Other protocols have neither.
 */
public final class McpStreams {
    private static final Logger LOG = LoggerFactory.getLogger(McpStreams.class);

    private McpStreams() {}

    /**
     * @throws ApiException.Validation for GET or DELETE on a runtime that does not speak MCP, or that names no
     *                                 session: they act on an MCP session, and without one would only start an
     *                                 idle sandbox
     */
    public static void check(Request request, Deployment deployment, CallerInputs inputs) {
        String method = request.getMethod();
        if (method.equals("POST")) {
            return;
        }
        if (deployment.serverProtocol() != ServerProtocol.MCP) {
            String message = method + " on the invocation URL: runtime " + deployment.runtimeId() + " speaks "
                    + deployment.serverProtocol() + " (expected: POST; GET and DELETE are for MCP runtimes)";
            throw ApiException.validation(message, new FieldError("method", message));
        }
        String mcp = request.getHeaders().get(AwsHeaders.MCP_SESSION_ID);
        if (inputs.sessionIdGenerated() && (mcp == null || mcp.isEmpty())) {
            String message = "mcpSessionId: missing on " + method + " (expected: the Mcp-Session-Id header the session's"
                    + " first answer carried, or the header " + AwsHeaders.SESSION_ID + ")";
            throw ApiException.validation(message, new FieldError("mcpSessionId", message));
        }
    }

    /**
     * A DELETE ends an MCP session; when Hearth chose the runtime session for it, nothing else will use that
     * session again, so its sandbox ends once the agent has answered.
     */
    public static void endSessionAfterDelete(Request request, McpSession mcp, Runnable stopSession, Workers workers) {
        if (!request.getMethod().equals("DELETE") || !mcp.issuedByHearth()) {
            return;
        }
        Request.addCompletionListener(request, failure -> {
            try {
                workers.execute(stopSession);
            } catch (RejectedExecutionException e) {
                LOG.info("session {}: left to its idle timeout after the MCP client ended it ({})", mcp.sessionId(),
                        e.getMessage());
            }
        });
    }
}
