package io.hearth.sandbox.internal;

import io.hearth.sandbox.MetadataRoute;
import io.hearth.sandbox.NetworkMode;
import io.hearth.sandbox.SandboxException;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One sandbox's network: netns {@code hearth-<slot>} holding {@code eth0} at {@code 10.201.x.y+2/30}, its veth peer
 * {@code hearthp<slot>} (PUBLIC) or {@code hearthn<slot>} (NONE) on the host at {@code +1}. The host-side name carries
 * the mode so the firewall can tell the two apart by interface, which a sandbox cannot forge the way it could forge a
 * source address. A NONE sandbox also has no default route.
 */
record SandboxNetwork(int slot, NetworkMode mode) {
    static final String RANGE = "10.201.0.0/16";
    static final String NETNS_PREFIX = "hearth-";
    static final String HOST_PREFIX = "hearth";
    private static final int BASE = (10 << 24) | (201 << 16);
    private static final Path NETNS_DIR = Path.of("/run/netns");
    private static final Pattern NETNS_NAME = Pattern.compile("hearth-(\\d{1,5})");
    private static final Pattern LINK_NAME = Pattern.compile("\\d+: (hearth[np](\\d{1,5}))[@:].*");

    SandboxNetwork {
        if (slot < 0 || slot >= NetworkSlots.COUNT) {
            throw new IllegalArgumentException("slot: " + slot + " (expected: 0 to " + (NetworkSlots.COUNT - 1) + ")");
        }
        Objects.requireNonNull(mode, "mode");
    }

    String netns() {
        return NETNS_PREFIX + slot;
    }

    Path netnsPath() {
        return NETNS_DIR.resolve(netns());
    }

    String hostInterface() {
        return HOST_PREFIX + (mode == NetworkMode.PUBLIC ? "p" : "n") + slot;
    }

    InetAddress hostAddress() {
        return address(BASE + slot * 4 + 1);
    }

    /** The sandbox's /30: the host's end and the sandbox's. */
    String subnet() {
        return address(BASE + slot * 4).getHostAddress() + "/30";
    }

    InetAddress sandboxAddress() {
        return address(BASE + slot * 4 + 2);
    }

    private String mac(int side) {
        return String.format("02:68:74:%02x:%02x:%02x", slot >> 8, slot & 0xff, side);
    }

    /** Builds the netns, the veth pair, addresses, static ARP both ways and (PUBLIC) the default route, in two ip calls. */
    static SandboxNetwork create(int slot, NetworkMode mode) {
        var network = new SandboxNetwork(slot, mode);
        try {
            network.build();
        } catch (SandboxException first) {
            // Most likely a leftover of a dead run in this slot (we hold its lock now): clear it and try once more.
            destroy(slot);
            try {
                network.build();
            } catch (SandboxException second) {
                destroy(slot);
                throw second;
            }
        }
        return network;
    }

    private void build() {
        String host = hostInterface();
        String hostIp = hostAddress().getHostAddress();
        String sandboxIp = sandboxAddress().getHostAddress();
        // Static ARP entries: gVisor's netstack answers ARP late, and a first connect would otherwise wait on retries.
        // The host's route to the sandbox acknowledges at once (quickack): an agent that writes a response's head and
        // body in two sends without TCP_NODELAY, as Python's http.server does, holds the body back (Nagle) until the
        // head is acknowledged, and a delayed ACK made every such call on a kept-alive connection take 40 ms more.
        String hostSide = String.join("\n",
                "netns add " + netns(),
                "link add " + host + " address " + mac(1) + " type veth peer name eth0 address " + mac(2) + " netns " + netns(),
                "addr add " + hostIp + "/30 dev " + host + " noprefixroute",
                "link set " + host + " up",
                "route add " + subnet() + " dev " + host + " src " + hostIp + " scope link quickack 1",
                "neigh replace " + sandboxIp + " lladdr " + mac(2) + " dev " + host + " nud permanent") + "\n";
        var inside = new ArrayList<>(List.of(
                "link set lo up",
                "addr add " + sandboxIp + "/30 dev eth0",
                "link set eth0 up",
                "neigh replace " + hostIp + " lladdr " + mac(1) + " dev eth0 nud permanent"));
        if (mode == NetworkMode.PUBLIC) {
            inside.add("route add default via " + hostIp);
        }
        // Also for NONE: the host translates it to Hearth's metadata listener, or drops it (EgressFirewall).
        inside.add("route add " + MetadataRoute.METADATA_ADDRESS.getHostAddress() + "/32 via " + hostIp);
        HostCommand.check(List.of("ip", "-batch", "-"), hostSide);
        HostCommand.check(List.of("ip", "-n", netns(), "-batch", "-"), String.join("\n", inside) + "\n");
    }

    /** Removes the slot's netns and host veth, whatever mode they were made for. */
    static void destroy(int slot) {
        if (Files.exists(NETNS_DIR.resolve(NETNS_PREFIX + slot))) {
            HostCommand.run("ip", "netns", "delete", NETNS_PREFIX + slot);
        }
        // Deleting the netns destroys eth0 and with it the host end, but asynchronously; removing it here makes
        // the slot reusable at once.
        for (String kind : List.of("p", "n")) {
            if (Files.exists(Path.of("/sys/class/net", HOST_PREFIX + kind + slot))) {
                HostCommand.run("ip", "link", "delete", HOST_PREFIX + kind + slot);
            }
        }
    }

    /** Slots that have a netns or a host veth of ours on this host now. */
    static List<Integer> slotsInUseOnHost() {
        var slots = new TreeSet<Integer>();
        try (var entries = Files.list(NETNS_DIR)) {
            entries.map(p -> NETNS_NAME.matcher(p.getFileName().toString()))
                    .filter(Matcher::matches)
                    .forEach(m -> slots.add(Integer.parseInt(m.group(1))));
        } catch (IOException e) {
            // no /run/netns yet: no namespaces
        }
        for (String line : HostCommand.run("ip", "-o", "link", "show").output().lines().toList()) {
            Matcher m = LINK_NAME.matcher(line);
            if (m.matches()) {
                slots.add(Integer.parseInt(m.group(2)));
            }
        }
        return slots.stream().filter(s -> s < NetworkSlots.COUNT).toList();
    }

    private static InetAddress address(int value) {
        try {
            return Inet4Address.getByAddress(new byte[] {
                (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value});
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an IPv4 address", e);
        }
    }
}
