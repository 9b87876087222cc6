package io.hearth.sandbox.internal;

import io.hearth.sandbox.MetadataRoute;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The host's nftables table {@code inet hearth}, shared by every isolating sandbox on the host. It is keyed on the
 * host-side veth names ({@code hearthp*}, {@code hearthn*}) rather than on addresses, because a sandbox controls the
 * source address of what it sends (a gVisor sandbox writes whole frames) but never the interface a packet arrives on.
 *
 * <ul>
 *   <li>input: a sandbox may answer connections the host opened to it, and open none to the host: not to Hearth's
 *       ports, not to services on loopback or on any other host address.</li>
 *   <li>forward: never sandbox to sandbox, never from outside into a sandbox, nothing from NONE sandboxes, no
 *       IPv6, no forged sources; PUBLIC sandboxes reach public addresses only (private, loopback, link-local and
 *       other special ranges are dropped), except DNS to the host's own resolvers.</li>
 *   <li>postrouting: PUBLIC traffic leaves masqueraded as the host.</li>
 * </ul>
 */
final class EgressFirewall {
    static final String TABLE = "hearth";

    /** Never reachable from a PUBLIC sandbox: RFC 1918, CGNAT, loopback, link-local (cloud metadata), multicast, reserved. */
    static final List<String> BLOCKED = List.of(
            "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
            "192.0.0.0/24", "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/4", "240.0.0.0/4");

    private EgressFirewall() {}

    /**
     * Replaces the table atomically (so it is idempotent), routes the sandbox range nowhere but to live sandboxes and
     * enables IPv4 forwarding, which PUBLIC needs.
     */
    static synchronized void install() {
        HostCommand.check(List.of("nft", "-f", "-"), ruleset(resolvers()));
        MetadataNat.install();
        // Each live sandbox's /30 is more specific than this; without it a connection to a sandbox that has just
        // ended would follow the default route off the host, to whatever the network has at that private address.
        HostCommand.check("ip", "route", "replace", "unreachable", SandboxNetwork.RANGE);
        try {
            Files.writeString(Path.of("/proc/sys/net/ipv4/ip_forward"), "1");
        } catch (IOException e) {
            throw new io.hearth.sandbox.SandboxException("cannot enable IPv4 forwarding for PUBLIC sandboxes: " + e.getMessage(), e);
        }
    }

    static String ruleset(List<String> resolvers) {
        var dns = new ArrayList<String>();
        for (String resolver : resolvers) {
            dns.add("    iifname \"hearthp*\" ip daddr " + resolver + " udp dport 53 accept");
            dns.add("    iifname \"hearthp*\" ip daddr " + resolver + " tcp dport 53 accept");
        }
        return String.join("\n",
                "table inet " + TABLE,
                "delete table inet " + TABLE,
                "table inet " + TABLE + " {",
                "  chain input {",
                "    type filter hook input priority filter - 10; policy accept;",
                "    iifname \"hearth*\" ct state established,related accept",
                // The metadata route (MetadataNat): only connections translated from the metadata address, and only
                // from the source address routed to the veth they arrived on, so a sandbox cannot pass as another.
                "    iifname \"hearth*\" ct status dnat ct original ip daddr " + MetadataRoute.METADATA_ADDRESS.getHostAddress()
                        + " meta l4proto tcp ct original proto-dst 80 fib saddr . iif oif exists accept",
                "    iifname \"hearth*\" drop",
                "  }",
                "  chain forward {",
                "    type filter hook forward priority filter - 10; policy accept;",
                "    iifname \"hearth*\" oifname \"hearth*\" drop",
                "    oifname \"hearth*\" ct state established,related accept",
                "    oifname \"hearth*\" drop",
                "    iifname \"hearthn*\" drop",
                "    iifname \"hearth*\" meta nfproto ipv6 drop",
                "    iifname \"hearth*\" ip saddr != " + SandboxNetwork.RANGE + " drop",
                String.join("\n", dns),
                "    iifname \"hearth*\" ip daddr { " + String.join(", ", BLOCKED) + " } drop",
                "  }",
                "  chain postrouting {",
                "    type nat hook postrouting priority srcnat; policy accept;",
                "    ip saddr " + SandboxNetwork.RANGE + " oifname != \"hearth*\" masquerade",
                "  }",
                "}",
                "");
    }

    /** The host's IPv4 nameservers outside loopback: PUBLIC sandboxes may ask them, even in a private range. */
    static List<String> resolvers() {
        var found = new ArrayList<String>();
        try {
            for (String line : Files.readAllLines(Path.of("/etc/resolv.conf"))) {
                String[] parts = line.trim().split("\\s+");
                if (parts.length >= 2 && parts[0].equals("nameserver") && parts[1].matches("\\d+\\.\\d+\\.\\d+\\.\\d+")) {
                    InetAddress address = InetAddress.getByName(parts[1]);
                    if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
                        found.add(address.getHostAddress());
                    }
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        return found;
    }
}
