package io.hearth.sdk;

/** An agent serving on its port, from {@link AgentApp#start()}; {@link #close()} stops it. */
public interface RunningAgent extends AutoCloseable {
    /** The port it listens on (the one chosen when started on port 0). */
    int port();

    /** Blocks until the agent stops. */
    void join() throws InterruptedException;

    /** Stops accepting, lets requests in flight end for up to a few seconds, then stops. */
    @Override
    void close();
}
