package io.hearth.deployment;

import java.util.Arrays;
import java.util.List;

/**
 * The protocol an agent speaks ({@code protocolConfiguration.serverProtocol}), and so where the data plane reaches it
 * inside its sandbox.
 */
public enum ServerProtocol {
    HTTP(8080, "/invocations"),
    MCP(8000, "/mcp"),
    A2A(9000, "/"),
    AGUI(8080, "/invocations");

    private final int agentPort;
    private final String invocationPath;

    ServerProtocol(int agentPort, String invocationPath) {
        this.agentPort = agentPort;
        this.invocationPath = invocationPath;
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
