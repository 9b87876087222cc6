package io.hearth.launcher;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The host's TCP connections to an agent, read from {@code /proc/net/tcp}: how Hearth knows that every connection it
 * had to a sandbox is closed on the sandbox's side too. A host socket in TIME_WAIT (or gone) means the agent's end is
 * closed; any other state means the agent still holds a connection, which gVisor's checkpoint cannot save.
 */
final class AgentSockets {
    private static final Path TCP = Path.of("/proc/net/tcp");
    /** TIME_WAIT and CLOSE in /proc/net/tcp's state column: nothing left open on the other side. */
    private static final List<String> SETTLED = List.of("06", "07");

    private AgentSockets() {}

    /** Whether the host holds a connection to {@code agent} that is not yet closed at both ends. */
    static boolean anyOpen(InetSocketAddress agent) {
        if (!(agent.getAddress() instanceof Inet4Address v4)) {
            return false;
        }
        String remote = hex(v4.getAddress()) + ":" + String.format(Locale.ROOT, "%04X", agent.getPort());
        try {
            for (String line : Files.readAllLines(TCP)) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length > 3 && fields[2].equals(remote) && !SETTLED.contains(fields[3])) {
                    return true;
                }
            }
        } catch (IOException e) {
            return false; // no /proc: nothing to wait for
        }
        return false;
    }

    /** /proc/net/tcp's address form: the four bytes in host (little-endian) order, as hex. */
    private static String hex(byte[] address) {
        return String.format(Locale.ROOT, "%02X%02X%02X%02X", address[3], address[2], address[1], address[0]);
    }
}
