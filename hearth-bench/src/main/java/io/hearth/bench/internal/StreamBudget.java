package io.hearth.bench.internal;

/**
 * How many SSE streams this host's limits allow at once, and which limit bounds it. Hearth holds two descriptors per
 * stream (the caller's socket and its connection to the agent), the client one; every stream's caller connection
 * takes a local port from loopback to Hearth's one address, so the ephemeral port range caps it too.
 *
 * @param streams      streams to attempt: the least the three limits allow
 * @param boundBy      which limit that is, in words
 * @param hearthPid    Hearth's process
 * @param hearthLimit  its soft RLIMIT_NOFILE
 * @param hearthOpen   descriptors it already held before the streams
 * @param clientLimit  the client process's RLIMIT_NOFILE (the JVM raises its soft limit to the hard one it inherits)
 * @param ports        loopback ephemeral ports
 */
public record StreamBudget(int streams, String boundBy, long hearthPid, long hearthLimit, long hearthOpen, long clientLimit,
        int ports) {
    /** Hearth's descriptors besides the streams that may open meanwhile: logs, agents' pipes, pings, the store. */
    static final int HEARTH_MARGIN = 512;
    /** The client JVM's own: its jars, its selector, stdio. */
    static final int CLIENT_MARGIN = 512;
    /** Ports other loopback traffic (agents' pings, the rig) may hold meanwhile. */
    static final int PORT_MARGIN = 1_000;
    public static final int HEARTH_DESCRIPTORS_PER_STREAM = 2;

    public StreamBudget {
        if (streams < 1) {
            throw new IllegalArgumentException("streams: " + streams + " (expected: at least 1; limits: Hearth " + hearthLimit
                    + " with " + hearthOpen + " open, client " + clientLimit + ", ports " + ports + ")");
        }
    }

    /** The budget for streams to {@code hearth}, from the limits its process actually runs with. */
    static StreamBudget forHearth(HearthNode hearth) {
        long pid = hearth.pid();
        long hearthLimit = hearth.openFileLimit() > 0 ? hearth.openFileLimit() : 1024;
        long hearthOpen = Math.max(0, ProcessFacts.openDescriptors(pid));
        long clientLimit = ProcessFacts.openFileLimit(ProcessHandle.current().pid()).map(ProcessFacts.FileLimit::hard).orElse(1024L);
        int ports = ProcessFacts.ephemeralPorts();
        long byHearth = (hearthLimit - hearthOpen - HEARTH_MARGIN) / HEARTH_DESCRIPTORS_PER_STREAM;
        long byClient = clientLimit - CLIENT_MARGIN;
        long byPorts = ports - PORT_MARGIN;
        long least = Math.min(byHearth, Math.min(byClient, byPorts));
        String boundBy;
        if (least == byHearth) {
            boundBy = String.format("Hearth's open-file limit (%,d, %,d already open, %d per stream)", hearthLimit, hearthOpen,
                    HEARTH_DESCRIPTORS_PER_STREAM);
        } else if (least == byClient) {
            boundBy = String.format("the client's open-file limit (%,d, 1 per stream)", clientLimit);
        } else {
            boundBy = String.format("the loopback ephemeral port range (%,d ports, one per caller connection)", ports);
        }
        return new StreamBudget((int) Math.max(1, Math.min(Integer.MAX_VALUE, least)), boundBy, pid, hearthLimit, hearthOpen,
                clientLimit, ports);
    }

    /** Whether the limit that bounds the count is a descriptor limit, not the port range. */
    boolean descriptorBound() {
        return !boundBy.startsWith("the loopback");
    }
}
