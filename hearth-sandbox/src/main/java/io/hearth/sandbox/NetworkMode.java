package io.hearth.sandbox;

/** What a sandbox may reach. Hearth's own ports, the host's services and other sandboxes are never reachable. */
public enum NetworkMode {
    /** Outbound access through the host, minus private ranges that are not allow-listed. */
    PUBLIC,
    /** No network beyond the link Hearth uses to reach the agent. */
    NONE
}
