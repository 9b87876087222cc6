package io.hearth.sandbox.internal;

import io.hearth.sandbox.ExecSpec;
import io.hearth.sandbox.SandboxException;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A pseudo-terminal whose master the JVM holds and whose slave a program gets as stdin, stdout and stderr.
 *
 * <p>The master is read and written through a JDK {@link RandomAccessFile}, not through native read/write calls: a
 * blocking native call would pin a virtual thread's carrier for as long as the program stays silent, while the JDK's
 * own file I/O lets the scheduler compensate. To get there, a descriptor the JDK owns (a deleted temporary file) is
 * replaced by the master with dup3, which the JDK cannot tell.
 */
final class Pty implements AutoCloseable {
    /** Byte a terminal reads as end-of-file at the start of a line (VEOF, ^D). */
    private static final int END_OF_FILE = 0x04;

    private final RandomAccessFile master;
    private final int fd;
    private final Path slave;
    private final String name;
    /** The JVM's own descriptor of the slave, until the program has ended; -1 once released. */
    private int heldSlave;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean inputClosed = new AtomicBoolean();
    private final InputStream output;
    private final OutputStream input;

    private Pty(RandomAccessFile master, int fd, Path slave, String name, int heldSlave) throws IOException {
        this.master = master;
        this.fd = fd;
        this.slave = slave;
        this.name = name;
        this.heldSlave = heldSlave;
        this.output = new MasterInput(new FileInputStream(master.getFD()));
        this.input = new MasterOutput(new FileOutputStream(master.getFD()));
    }

    /** A terminal of the host's own devpts (posix_openpt). */
    static Pty onHost(ExecSpec.TerminalSize size) {
        int fd;
        try {
            fd = Libc.posixOpenpt(Libc.O_RDWR | Libc.O_NOCTTY);
        } catch (Libc.NativeCallException e) {
            throw new SandboxException("cannot open a terminal: " + e.getMessage(), e);
        }
        return adopt(fd, Path.of("/dev/pts"), "/dev/pts", size);
    }

    /**
     * A terminal of the devpts mounted at {@code devRoot + /pts} (a sandbox's own, seen from the host through
     * {@code /proc/<pid>/root}): programs inside then find it at {@code /dev/pts/<n>}, as tty(1) and ttyname(3) expect.
     */
    static Pty inDevpts(Path devRoot, ExecSpec.TerminalSize size) {
        Path ptmx = devRoot.resolve("pts").resolve("ptmx");
        int fd;
        try {
            fd = Libc.open(ptmx.toString(), Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_CLOEXEC);
        } catch (Libc.NativeCallException e) {
            throw new SandboxException("cannot open a terminal at " + ptmx + ": " + e.getMessage(), e);
        }
        return adopt(fd, devRoot.resolve("pts"), "/dev/pts", size);
    }

    private static Pty adopt(int fd, Path hostPts, String ptsInside, ExecSpec.TerminalSize size) {
        try {
            Libc.grantpt(fd);
            Libc.unlockpt(fd);
            int number = Libc.ptyNumber(fd);
            Libc.setWindowSize(fd, size.columns(), size.rows());
            Path slave = hostPts.resolve(Integer.toString(number));
            // A master answers EIO while no slave is open, as before the program has opened its own: held here
            // until the program has ended, so that a read then means output, and EIO only the end.
            int heldSlave = Libc.open(slave.toString(), Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_CLOEXEC);
            Held held;
            try {
                held = holderFor(fd);
            } catch (IOException | RuntimeException e) {
                Libc.close(heldSlave);
                throw e;
            }
            return new Pty(held.file(), held.fd(), slave, ptsInside + "/" + number, heldSlave);
        } catch (IOException | RuntimeException e) {
            throw new SandboxException("cannot set up a terminal (" + hostPts + "): " + e.getMessage(), e);
        } finally {
            Libc.close(fd);
        }
    }

    private record Held(RandomAccessFile file, int fd) {}

    /** A JDK-owned descriptor that now refers to {@code fd}'s open file. */
    private static Held holderFor(int fd) throws IOException {
        Path placeholder = Files.createTempFile("hearth-pty-", "");
        try {
            var holder = new RandomAccessFile(placeholder.toFile(), "rw");
            try {
                int held = findDescriptor(placeholder);
                Libc.dup3(fd, held);
                return new Held(holder, held);
            } catch (RuntimeException | IOException e) {
                holder.close();
                throw e;
            }
        } finally {
            Files.deleteIfExists(placeholder);
        }
    }

    /** The descriptor number of the one open file of this process at {@code path} (a unique temporary file). */
    private static int findDescriptor(Path file) throws IOException {
        Path path = file.toRealPath(); // as /proc shows it, should the temporary directory be reached through a link
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path link : fds.toList()) {
                try {
                    if (Files.readSymbolicLink(link).equals(path)) {
                        return Integer.parseInt(link.getFileName().toString());
                    }
                } catch (IOException e) {
                    // closed while we looked
                }
            }
        }
        throw new IOException("descriptor of " + path + ": none open (expected: the one just opened)");
    }

    /** Where the host opens the slave. */
    Path slave() {
        return slave;
    }

    /** The slave's name as the program sees it ({@code /dev/pts/<n>}). */
    String name() {
        return name;
    }

    /** Everything the program writes. */
    InputStream output() {
        return output;
    }

    /** What the program reads; closing it sends end-of-file (^D) and stops further writes. */
    OutputStream input() {
        return input;
    }

    /**
     * Lets go of the JVM's own slave descriptor, once the program has ended: reads of the master then return what is
     * left, then the end (once whatever the program left running has closed the slave too).
     */
    synchronized void releaseSlave() {
        if (heldSlave >= 0) {
            Libc.close(heldSlave);
            heldSlave = -1;
        }
    }

    void resize(ExecSpec.TerminalSize size) {
        if (closed.get()) {
            throw new IllegalStateException("terminal " + name + ": closed (expected: open to resize)");
        }
        Libc.setWindowSize(fd, size.columns(), size.rows());
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            releaseSlave();
            try {
                master.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close terminal " + name, e);
            }
        }
    }

    /** Reads the master; EIO, which a master answers once every slave descriptor is closed, is the end. */
    private final class MasterInput extends InputStream {
        private final FileInputStream in;

        MasterInput(FileInputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (closed.get()) {
                return -1;
            }
            try {
                return in.read(b, off, len);
            } catch (IOException e) {
                if (closed.get() || String.valueOf(e.getMessage()).contains("Input/output error")) {
                    return -1;
                }
                throw e;
            }
        }

        @Override
        public void close() {
            // The master stays open for writing and resizing; Pty.close() releases it.
        }
    }

    private final class MasterOutput extends OutputStream {
        private final FileOutputStream out;

        MasterOutput(FileOutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (inputClosed.get() || closed.get()) {
                throw new IOException("terminal " + name + ": input closed");
            }
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            if (inputClosed.compareAndSet(false, true) && !closed.get()) {
                out.write(END_OF_FILE);
            }
        }
    }
}
