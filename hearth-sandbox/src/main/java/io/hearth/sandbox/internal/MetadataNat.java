package io.hearth.sandbox.internal;

import io.hearth.sandbox.MetadataRoute;
import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The host side of the metadata route: table {@code ip hearth_metadata}, whose prerouting chain translates
 * {@code 169.254.169.254:80} from a sandbox's veth to the listener its server registered for that veth (a map keyed
 * by interface name, so several servers on one host each serve their own sandboxes). The table is made once and
 * never replaced, so one server opening a driver does not drop another's live entries.
 */
public final class MetadataNat {
    static final String TABLE = "hearth_metadata";
    private static final Pattern MAPPED = Pattern.compile("\"(hearth[np]\\d{1,5})\"\\s*:");

    private MetadataNat() {}

    /**
     * On loopback, which every host has (a dummy interface needs a kernel module that small VMs lack). Packets from a
     * veth may reach it: only 127/8 is martian there.
     */
    public static synchronized void prepareHost(InetAddress address) {
        HostCommand.check("ip", "addr", "replace", address.getHostAddress() + "/32", "dev", "lo");
    }

    /** Idempotent: keeps the map's entries, replaces the rule. */
    static synchronized void install() {
        HostCommand.check(List.of("nft", "-f", "-"), String.join("\n",
                "table ip " + TABLE + " {",
                "  map targets { type ifname : ipv4_addr . inet_service; }",
                "  chain prerouting { type nat hook prerouting priority dstnat - 10; policy accept; }",
                "}",
                "flush chain ip " + TABLE + " prerouting",
                "add rule ip " + TABLE + " prerouting iifname \"hearth*\" ip daddr "
                        + MetadataRoute.METADATA_ADDRESS.getHostAddress()
                        + " tcp dport 80 dnat ip addr . port to iifname map @targets",
                ""));
    }

    /** Sends the interface's metadata traffic to the route's listener, replacing what a dead run may have left. */
    static void map(String hostInterface, MetadataRoute route) {
        String element = "{ \"" + hostInterface + "\" : " + MetadataRoute.HOST_ADDRESS.getHostAddress() + " . " + route.port() + " }";
        if (!HostCommand.run(List.of("nft", "add", "element", "ip", TABLE, "targets", element), "").ok()) {
            unmap(hostInterface);
            HostCommand.check("nft", "add", "element", "ip", TABLE, "targets", element);
        }
    }

    /** Host interfaces that have an entry now, of any server on this host. */
    static Set<String> mappedInterfaces() {
        var found = new HashSet<String>();
        Matcher m = MAPPED.matcher(HostCommand.run("nft", "list", "map", "ip", TABLE, "targets").output());
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    /** Removes the entries of these interfaces, in one nft process unless one of them went meanwhile. */
    static void unmapAll(List<String> hostInterfaces) {
        if (hostInterfaces.isEmpty()) {
            return;
        }
        var script = new StringBuilder();
        hostInterfaces.forEach(i -> script.append("delete element ip " + TABLE + " targets { \"" + i + "\" }\n"));
        if (!HostCommand.run(List.of("nft", "-f", "-"), script.toString()).ok()) {
            hostInterfaces.forEach(MetadataNat::unmap); // nft applies a script all or nothing
        }
    }

    /** Removes the interface's entry; false when nft could not (or there was none). */
    static boolean unmap(String hostInterface) {
        return HostCommand.run(List.of("nft", "delete", "element", "ip", TABLE, "targets",
                "{ \"" + hostInterface + "\" }"), "").ok();
    }
}
