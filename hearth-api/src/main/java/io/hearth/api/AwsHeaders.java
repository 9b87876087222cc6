package io.hearth.api;

/** Header names of the AgentCore wire contract (docs/wire-contract.md §2 and §4). */
public final class AwsHeaders {
    public static final String REQUEST_ID = "x-amzn-RequestId";
    public static final String ERROR_TYPE = "x-amzn-ErrorType";
    public static final String SESSION_ID = "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id";
    public static final String AGENT_REQUEST_ID = "X-Amzn-Bedrock-AgentCore-Runtime-Request-Id";
    public static final String USER_ID = "X-Amzn-Bedrock-AgentCore-Runtime-User-Id";
    public static final String CUSTOM_PREFIX = "X-Amzn-Bedrock-AgentCore-Runtime-Custom-";
    public static final String MCP_SESSION_ID = "Mcp-Session-Id";
    public static final String MCP_PROTOCOL_VERSION = "Mcp-Protocol-Version";
    public static final String TRACE_ID = "X-Amzn-Trace-Id";
    public static final String TRACEPARENT = "traceparent";
    public static final String TRACESTATE = "tracestate";
    public static final String BAGGAGE = "baggage";

    private AwsHeaders() {}
}
