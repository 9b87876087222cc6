package io.hearth.sandbox.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The few C library calls the JDK has no API for: opening and sizing pseudo-terminals, and moving a descriptor under
 * one the JDK owns. Each call returns its result or throws {@link NativeCallException} naming the call and errno.
 * Only short, non-blocking calls go through here: a native call pins the carrier thread of a virtual thread. The one
 * exception, {@link #waitpid}, is called only from platform threads kept for it.
 */
final class Libc {
    static final int O_RDONLY = 0;
    static final int O_WRONLY = 1;
    static final int O_RDWR = 2;
    static final int O_CREAT = 0100;
    static final int O_TRUNC = 01000;
    static final int O_APPEND = 02000;
    static final int O_NOCTTY = 0400;
    static final int O_CLOEXEC = 02000000;
    static final int SIGKILL = 9;
    static final int SIGTERM = 15;
    static final int SIGSTOP = 19;
    static final int ESRCH = 3;
    static final int EINTR = 4;
    static final int EINVAL = 22;
    static final long TIOCSWINSZ = 0x5414;
    static final long TIOCGPTN = 0x80045430L;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option ERRNO_OPTION = Linker.Option.captureCallState("errno");

    private static final MethodHandle POSIX_OPENPT = function("posix_openpt", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle GRANTPT = function("grantpt", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle UNLOCKPT = function("unlockpt", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle OPEN = function("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle IOCTL = function("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle DUP3 = function("dup3", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle CLOSE = function("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle KILL = function("kill", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle WAITPID = function("waitpid",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle MOUNT = function("mount",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
    private static final MethodHandle UMOUNT2 = function("umount2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    static final long MS_RDONLY = 1;
    static final long MS_NOSUID = 2;
    static final long MS_NODEV = 4;
    static final long MS_REMOUNT = 32;
    static final long MS_BIND = 4096;
    static final long MS_REC = 16384;
    static final long MS_PRIVATE = 1L << 18;
    static final int MNT_DETACH = 2;

    private Libc() {}

    /** A failed C library call: which one, on what, and errno. */
    static final class NativeCallException extends RuntimeException {
        private final int errno;

        NativeCallException(String call, int errno) {
            super(call + " failed: errno " + errno + " (expected: success)");
            this.errno = errno;
        }

        int errno() {
            return errno;
        }
    }

    private static MethodHandle function(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        var withErrno = new Linker.Option[options.length + 1];
        withErrno[0] = ERRNO_OPTION;
        System.arraycopy(options, 0, withErrno, 1, options.length);
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("C library function: " + name + " (expected: in libc)"));
        return LINKER.downcallHandle(symbol, descriptor, withErrno);
    }

    static int posixOpenpt(int flags) {
        return call("posix_openpt", POSIX_OPENPT, flags);
    }

    static void grantpt(int fd) {
        call("grantpt(" + fd + ")", GRANTPT, fd);
    }

    static void unlockpt(int fd) {
        call("unlockpt(" + fd + ")", UNLOCKPT, fd);
    }

    static int open(String path, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            return call("open(" + path + ")", OPEN, arena.allocateFrom(path), flags, 0);
        }
    }

    /** The pty number of a master (TIOCGPTN): its slave is {@code pts/<number>} of the same devpts. */
    static int ptyNumber(int master) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment number = arena.allocate(JAVA_INT);
            call("ioctl(" + master + ", TIOCGPTN)", IOCTL, master, TIOCGPTN, number);
            return number.get(JAVA_INT, 0);
        }
    }

    /** Sets a terminal's size; the kernel sends SIGWINCH to its foreground process group. */
    static void setWindowSize(int fd, int columns, int rows) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment winsize = arena.allocate(8, 2); // struct winsize: rows, columns, x and y pixels
            winsize.set(JAVA_SHORT, 0, (short) rows);
            winsize.set(JAVA_SHORT, 2, (short) columns);
            call("ioctl(" + fd + ", TIOCSWINSZ)", IOCTL, fd, TIOCSWINSZ, winsize);
        }
    }

    /** Makes {@code target} refer to what {@code source} does, atomically, close-on-exec. */
    static void dup3(int source, int target) {
        call("dup3(" + source + ", " + target + ")", DUP3, source, target, O_CLOEXEC);
    }

    static void close(int fd) {
        call("close(" + fd + ")", CLOSE, fd);
    }

    /** kill(2): a negative pid names a process group. False when no such process (ESRCH). */
    static boolean kill(long pid, int signal) {
        try {
            call("kill(" + pid + ", " + signal + ")", KILL, Math.toIntExact(pid), signal);
            return true;
        } catch (NativeCallException e) {
            if (e.errno() == ESRCH) {
                return false;
            }
            throw e;
        }
    }

    /** Waits for a child of this process to end and collects it (waitpid(2)); returns its raw wait status. */
    static int waitpid(long pid) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment status = arena.allocate(JAVA_INT);
            while (true) {
                try {
                    call("waitpid(" + pid + ")", WAITPID, Math.toIntExact(pid), status, 0);
                    return status.get(JAVA_INT, 0);
                } catch (NativeCallException e) {
                    if (e.errno() != EINTR) {
                        throw e;
                    }
                }
            }
        }
    }

    /** mount(2), in the calling process's mount namespace: the host's, for the JVM. */
    static void mount(String source, String target, String type, long flags, String data) {
        try (Arena arena = Arena.ofConfined()) {
            call("mount(" + source + ", " + target + ", " + type + ", " + data + ")", MOUNT, arena.allocateFrom(source),
                    arena.allocateFrom(target), arena.allocateFrom(type), flags, arena.allocateFrom(data));
        }
    }

    /** umount2(2): {@link #MNT_DETACH} detaches lazily what is still in use. */
    static void umount2(String target, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            call("umount2(" + target + ", " + flags + ")", UMOUNT2, arena.allocateFrom(target), flags);
        }
    }

    private static int call(String what, MethodHandle function, Object... args) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            var withState = new Object[args.length + 1];
            withState[0] = state;
            System.arraycopy(args, 0, withState, 1, args.length);
            int result;
            try {
                result = (int) function.invokeWithArguments(withState);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException(what + ": " + e.getMessage(), e);
            }
            if (result < 0) {
                throw new NativeCallException(what, (int) ERRNO.get(state, 0L));
            }
            return result;
        }
    }
}
