package io.hearth.sandbox;

import io.hearth.sandbox.internal.MetadataNat;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Where an isolated sandbox's requests to the instance metadata address ({@code 169.254.169.254:80}) go: a port of
 * a listener bound to {@link #HOST_ADDRESS}, an address the host holds on its loopback interface. The driver
 * translates the destination on the host side of the sandbox's veth, so the listener sees the sandbox's own source
 * address, which {@link SandboxDriver#sandboxAt} maps back to the sandbox.
 *
 * @param port the listener's port on {@link #HOST_ADDRESS}
 */
public record MetadataRoute(int port) {
    /** What the agent's AWS SDK asks. */
    public static final InetAddress METADATA_ADDRESS = address(169, 254, 169, 254);
    /**
     * Where the host listens for it: link-local, so never routed off the host, and not the metadata address itself,
     * so a host in a cloud keeps reaching its own provider's metadata service.
     */
    public static final InetAddress HOST_ADDRESS = address(169, 254, 201, 1);

    public MetadataRoute {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1 to 65535)");
        }
    }

    public InetSocketAddress listener() {
        return new InetSocketAddress(HOST_ADDRESS, port);
    }

    /**
     * Puts {@link #HOST_ADDRESS} on the host's loopback interface, so a listener can bind it.
     * Idempotent; needs root.
     *
     * @throws SandboxException when the host's network cannot be changed
     */
    public static void prepareHost() {
        MetadataNat.prepareHost(HOST_ADDRESS);
    }

    private static InetAddress address(int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an IPv4 address", e);
        }
    }
}
