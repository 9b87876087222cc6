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
 * read as growth. Exact bytes, and a few milliseconds a reading, so it can be sampled while a transfer runs. Also
 * how long its JIT has compiled, so a load can tell when that JVM has warmed up.
 */
public final class RemoteHeap implements AutoCloseable {
    private final long pid;
    private final JMXConnector connector;
    private final MemoryMXBean memory;
    private final java.lang.management.CompilationMXBean compilation;

    private RemoteHeap(long pid, JMXConnector connector, MemoryMXBean memory,
            java.lang.management.CompilationMXBean compilation) {
        this.pid = pid;
        this.connector = connector;
        this.memory = memory;
        this.compilation = compilation;
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
            var compilation = ManagementFactory.newPlatformMXBeanProxy(connector.getMBeanServerConnection(),
                    ManagementFactory.COMPILATION_MXBEAN_NAME, java.lang.management.CompilationMXBean.class);
            return new RemoteHeap(pid, connector, memory, compilation);
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

    /** Milliseconds that JVM's JIT compilers have worked so far (summed over its compiler threads). */
    public long compilationMillis() {
        try {
            return compilation.getTotalCompilationTime();
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot read the JIT time of JVM " + pid + ": " + e.getMessage(), e);
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
