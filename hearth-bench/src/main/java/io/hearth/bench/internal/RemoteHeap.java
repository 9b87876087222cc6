package io.hearth.bench.internal;

import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * The heap of another JVM on this machine, read over its local JMX agent (started through the attach API, as
 * {@code jcmd} does; the process needs no flag for it): a forced full collection, then the heap still in use. A full
 * GC rather than the last young one: after a young collection the old generation still holds garbage, which would
 * read as growth. Exact bytes, and a few milliseconds a reading, so it can be sampled while a transfer runs.
 */
public final class RemoteHeap implements AutoCloseable {
    private final long pid;
    private final JMXConnector connector;
    private final MemoryMXBean memory;

    private RemoteHeap(long pid, JMXConnector connector, MemoryMXBean memory) {
        this.pid = pid;
        this.connector = connector;
        this.memory = memory;
    }

    /** Connects to the JVM with process id {@code pid}, starting its local management agent if it has none. */
    public static RemoteHeap attach(long pid) {
        String address;
        try {
            VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
            try {
                address = vm.startLocalManagementAgent();
            } finally {
                vm.detach();
            }
        } catch (AttachNotSupportedException | IOException e) {
            throw new IllegalStateException("cannot attach to JVM " + pid + " (expected: a JVM of this user on this machine): "
                    + e.getMessage(), e);
        }
        try {
            JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address));
            MemoryMXBean memory = ManagementFactory.newPlatformMXBeanProxy(connector.getMBeanServerConnection(),
                    ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
            return new RemoteHeap(pid, connector, memory);
        } catch (IOException e) {
            throw new IllegalStateException("cannot reach the management agent of JVM " + pid + " at " + address + ": "
                    + e.getMessage(), e);
        }
    }

    /** Forces a full collection in that JVM and returns the heap it still uses, in bytes. */
    public long afterFullGcBytes() {
        try {
            memory.gc();
            return memory.getHeapMemoryUsage().getUsed();
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot read the heap of JVM " + pid + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            connector.close();
        } catch (IOException e) {
            // the process may be gone already; nothing is left open on this side either way
        }
    }
}
