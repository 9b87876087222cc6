package io.hearth.router.internal;

import io.hearth.session.EndReason;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;

/**
 * Whether an agent call that never got a connection failed because the agent is gone: its port refuses (the process
 * exited), its address has no route or network any more (the sandbox's network is being torn down), or its session
 * ended under it because the agent exited. A timeout, or anything on Hearth's side, is no proof of that.
 */
final class AgentGone {
    private AgentGone() {}

    /** The agent closed the connection with nothing of an answer: end of stream, or a reset, after the request went. */
    static boolean closedBeforeAnswer(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.io.EOFException || cause instanceof java.nio.channels.ClosedChannelException
                    || (cause instanceof SocketException e && e.getMessage() != null
                            && e.getMessage().startsWith("Connection reset"))) {
                return true;
            }
        }
        return false;
    }

    static boolean before(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            switch (cause) {
                case ConnectException e -> {
                    return e.getMessage() == null || !e.getMessage().contains("timed out");
                }
                case NoRouteToHostException e -> {
                    return true;
                }
                case AgentCall.SessionEnded e -> {
                    return e.reason == EndReason.AGENT_EXITED || e.reason == EndReason.OOM;
                }
                case SocketException e when e.getMessage() != null && (e.getMessage().startsWith("Network is unreachable")
                        || e.getMessage().startsWith("Connection reset")) -> {
                    return true;
                }
                default -> {
                    // look further down the chain
                }
            }
        }
        return false;
    }
}
