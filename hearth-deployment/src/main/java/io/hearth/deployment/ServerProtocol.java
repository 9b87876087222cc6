package io.hearth.deployment;

import java.util.Arrays;
import java.util.List;

/**
 * The protocol an agent speaks ({@code protocolConfiguration.serverProtocol}), and so where the data plane reaches it
 * inside its sandbox.
 */
public enum ServerProtocol {
    HTTP(8080, "/invocations", true),
    /** Streamable HTTP; an MCP server has no {@code /ping}: it is up once its port answers HTTP at all. */
    MCP(8000, "/mcp", false),
    /** JSON-RPC at {@code /}; A2A servers built with some SDKs answer {@code /ping}, others do not. */
    A2A(9000, "/", false),
    AGUI(8080, "/invocations", true);

    private final int agentPort;
    private final String invocationPath;
    private final boolean answersPing;

    ServerProtocol(int agentPort, String invocationPath, boolean answersPing) {
        this.agentPort = agentPort;
        this.invocationPath = invocationPath;
        this.answersPing = answersPing;
    }

    /**
     * Whether the protocol's agents must answer {@code GET /ping} with 200 to count as up and healthy. For those that
     * need not, any HTTP answer on the port counts, and busy or idle is judged from invocations alone.
     */
    public boolean answersPing() {
        return answersPing;
    }

    /** The port the agent listens on inside its sandbox. */
    public int agentPort() {
        return agentPort;
    }

    /** The agent's path that an InvokeAgentRuntime call reaches. */
    public String invocationPath() {
        return invocationPath;
    }

    /**
     * @throws IllegalArgumentException naming the value and the protocols there are
     */
    public static ServerProtocol parse(String wire) {
        for (ServerProtocol protocol : values()) {
            if (protocol.name().equals(wire)) {
                return protocol;
            }
        }
        throw new IllegalArgumentException("serverProtocol: " + wire + " (expected one of " + names() + ")");
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(Enum::name).toList();
    }
}
