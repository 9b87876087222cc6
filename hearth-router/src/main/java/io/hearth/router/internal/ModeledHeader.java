package io.hearth.router.internal;

import io.hearth.api.ApiException;
import io.hearth.api.AwsHeaders;
import io.hearth.api.FieldError;
import java.util.List;
import org.eclipse.jetty.http.HttpFields;

/**
 * The one table of the length constraints AgentCore's InvokeAgentRuntime model puts on its header members.
 * AWS clients check none of them, so the router does, before any sandbox is touched: a header over its limit
 * would otherwise reach the agent.
 */
public enum ModeledHeader {
    SESSION_ID(AwsHeaders.SESSION_ID, "runtimeSessionId", 33, 256),
    USER_ID(AwsHeaders.USER_ID, "runtimeUserId", 1, 1024),
    MCP_SESSION_ID(AwsHeaders.MCP_SESSION_ID, "mcpSessionId", 1, 1024),
    MCP_PROTOCOL_VERSION(AwsHeaders.MCP_PROTOCOL_VERSION, "mcpProtocolVersion", 1, 1024),
    TRACE_ID(AwsHeaders.TRACE_ID, "traceId", 0, 128),
    TRACEPARENT(AwsHeaders.TRACEPARENT, "traceParent", 0, 128),
    TRACESTATE(AwsHeaders.TRACESTATE, "traceState", 0, 512),
    BAGGAGE(AwsHeaders.BAGGAGE, "baggage", 0, 8192),
    CONTENT_TYPE("Content-Type", "contentType", 1, 256),
    ACCEPT("Accept", "accept", 1, 256);

    /** What InvokeAgentRuntime checks here; the session id is read, and checked, with the other caller inputs. */
    private static final List<ModeledHeader> INVOKE = List.of(USER_ID, MCP_SESSION_ID, MCP_PROTOCOL_VERSION,
            TRACE_ID, TRACEPARENT, TRACESTATE, BAGGAGE, CONTENT_TYPE, ACCEPT);

    private final String header;
    private final String member;
    private final int min;
    private final int max;

    ModeledHeader(String header, String member, int min, int max) {
        this.header = header;
        this.member = member;
        this.min = min;
        this.max = max;
    }

    public String header() {
        return header;
    }

    /** Refuses the first InvokeAgentRuntime header outside its modeled length. */
    public static void checkInvoke(HttpFields headers) {
        for (ModeledHeader modeled : INVOKE) {
            List<String> values = headers.getValuesList(modeled.header);
            if (!values.isEmpty()) {
                // Repeated fields reach the agent together, so together they must fit.
                modeled.check(String.join(", ", values));
            }
        }
    }

    /** The modeled length, in words: "33 to 256 characters". */
    public String expected() {
        return min == 0 ? "at most " + max + " characters" : min + " to " + max + " characters";
    }

    /** Refuses a value outside this member's modeled length (counted in characters, as AWS counts). */
    public void check(String value) {
        int length = value.codePointCount(0, value.length());
        if (length < min || length > max) {
            String message = member + ": header " + header + " has " + length + " characters (expected: " + expected() + ")";
            throw ApiException.validation(message, new FieldError(member, message));
        }
    }
}
