package io.hearth.sandbox.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Starts programs with {@code posix_spawn(3)}, closing the server's descriptors with one {@code close_range(2)}.
 *
 * <p>The JDK's launch closes every inherited descriptor one at a time, walking {@code /proc/self/fd}, before the
 * program's exec, and {@code ProcessBuilder.start()} returns only after that: about 3.7 µs per open descriptor, so a
 * node holding 10,000 connections paid ~38 ms on every sandbox start and every host tool. Here the cost does not
 * grow with the server's descriptors. Where the C library lacks the calls (glibc before 2.34), the JDK's launch
 * is used with the same redirections.
 */
final class Spawner {
    private static final int NEW_FILE_MODE = 0666; // less the umask, as the JDK's redirections create files
    private static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    private static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    private static final short POSIX_SPAWN_SETSID = 0x80;
    /**
     * Signals a server started from a terminal, nohup or a background job may ignore, which its programs get at their
     * defaults: HUP, INT, QUIT, PIPE and TERM, as the first word of a sigset_t (bit n - 1 for signal n).
     */
    private static final long DEFAULT_SIGNALS = 1L << 0 | 1L << 1 | 1L << 2 | 1L << 12 | 1L << 14;
    private static final long SIGSET_BYTES = 128;
    /** Room for glibc's opaque posix_spawn_file_actions_t (80 bytes) and posix_spawnattr_t (336) with margin. */
    private static final long OPAQUE_BYTES = 1024;

    private static final Optional<Calls> NATIVE = Calls.find();

    private Spawner() {}

    /** Whether this host's C library has what the descriptor-walk-free launch needs. */
    static boolean nativeAvailable() {
        return NATIVE.isPresent();
    }

    /** Starts the program; an IOException says why it could not be (missing program, directory, output file). */
    static Process start(SpawnSpec spec) throws IOException {
        return NATIVE.isPresent() ? NATIVE.get().spawn(spec) : startWithJdk(spec);
    }

    /** The JDK's launch, with the same redirections: for hosts without the calls, and to compare against. */
    static Process startWithJdk(SpawnSpec spec) throws IOException {
        var argv = new ArrayList<String>();
        if (spec.newSession()) {
            argv.add("/usr/bin/setsid"); // not a group leader here, so it execs the program itself
        }
        argv.add(program(spec));
        argv.addAll(spec.argv().subList(1, spec.argv().size()));
        var builder = new ProcessBuilder(argv)
                .directory(spec.directory().toFile())
                .redirectErrorStream(true)
                .redirectInput(spec.input().toFile())
                .redirectOutput(spec.mode() == SpawnSpec.OutputMode.APPEND
                        ? ProcessBuilder.Redirect.appendTo(spec.output().toFile())
                        : ProcessBuilder.Redirect.to(spec.output().toFile()));
        builder.environment().clear();
        builder.environment().putAll(spec.environment());
        return builder.start();
    }

    /**
     * The program's file: a name without a {@code /} is looked up on the PATH the program is given (the server's when
     * it is given none), as a shell would start it in that environment.
     */
    static String program(SpawnSpec spec) throws IOException {
        String name = spec.argv().getFirst();
        if (name.indexOf('/') >= 0) {
            return name;
        }
        String path = spec.environment().getOrDefault("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        for (String dir : path.split(":")) {
            Path candidate = Path.of(dir).resolve(name);
            if (candidate.isAbsolute() && Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IOException("cannot run program \"" + name + "\": not found on PATH " + path
                + " (expected: an executable file in one of its directories, or a path to one)");
    }

    /** The C library's spawn calls, all found or none used. They return an error number rather than set errno. */
    private record Calls(MethodHandle actionsInit, MethodHandle addOpen, MethodHandle addDup2, MethodHandle addChdir,
            MethodHandle addCloseFrom, MethodHandle actionsDestroy, MethodHandle attrInit, MethodHandle setFlags,
            MethodHandle setSigMask, MethodHandle setSigDefault, MethodHandle attrDestroy, MethodHandle spawnp,
            MethodHandle strerror) {

        static Optional<Calls> find() {
            try {
                return Optional.of(new Calls(
                        handle("posix_spawn_file_actions_init", FunctionDescriptor.of(JAVA_INT, ADDRESS)),
                        handle("posix_spawn_file_actions_addopen",
                                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT)),
                        handle("posix_spawn_file_actions_adddup2",
                                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT)),
                        handle("posix_spawn_file_actions_addchdir_np", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS)),
                        handle("posix_spawn_file_actions_addclosefrom_np",
                                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT)),
                        handle("posix_spawn_file_actions_destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS)),
                        handle("posix_spawnattr_init", FunctionDescriptor.of(JAVA_INT, ADDRESS)),
                        handle("posix_spawnattr_setflags", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_SHORT)),
                        handle("posix_spawnattr_setsigmask", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS)),
                        handle("posix_spawnattr_setsigdefault", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS)),
                        handle("posix_spawnattr_destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS)),
                        handle("posix_spawnp", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS,
                                ADDRESS, ADDRESS)),
                        handle("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT))));
            } catch (UnsatisfiedLinkError e) {
                return Optional.empty();
            }
        }

        private static MethodHandle handle(String name, FunctionDescriptor descriptor) {
            Linker linker = Linker.nativeLinker();
            MemorySegment symbol = linker.defaultLookup().find(name)
                    .orElseThrow(() -> new UnsatisfiedLinkError("C library function: " + name));
            return linker.downcallHandle(symbol, descriptor);
        }

        Process spawn(SpawnSpec spec) throws IOException {
            long pid;
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment actions = arena.allocate(OPAQUE_BYTES, 16);
                MemorySegment attributes = arena.allocate(OPAQUE_BYTES, 16);
                check(spec, "file actions", (int) actionsInit.invokeExact(actions));
                try {
                    check(spec, "spawn attributes", (int) attrInit.invokeExact(attributes));
                    try {
                        describe(spec, arena, actions, attributes);
                        MemorySegment pidOut = arena.allocate(JAVA_INT);
                        int error = (int) spawnp.invokeExact(pidOut, arena.allocateFrom(program(spec)),
                                actions, attributes, strings(arena, spec.argv()), strings(arena, environment(spec)));
                        check(spec, "spawn", error);
                        pid = pidOut.get(JAVA_INT, 0);
                    } finally {
                        int ignored = (int) attrDestroy.invokeExact(attributes);
                    }
                } finally {
                    int ignored = (int) actionsDestroy.invokeExact(actions);
                }
            } catch (IOException | RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException("posix_spawn of " + spec.argv().getFirst() + ": " + e, e);
            }
            return SpawnedProcess.reaped(pid);
        }

        /** stdin, stdout and stderr, the working directory, nothing else open, the session and the signals. */
        private void describe(SpawnSpec spec, Arena arena, MemorySegment actions, MemorySegment attributes)
                throws Throwable {
            int outputFlags = Libc.O_WRONLY | Libc.O_CREAT
                    | (spec.mode() == SpawnSpec.OutputMode.APPEND ? Libc.O_APPEND : Libc.O_TRUNC);
            check(spec, "stdin", (int) addOpen.invokeExact(actions, 0, arena.allocateFrom(spec.input().toString()),
                    Libc.O_RDONLY, 0));
            check(spec, "stdout", (int) addOpen.invokeExact(actions, 1, arena.allocateFrom(spec.output().toString()),
                    outputFlags, NEW_FILE_MODE));
            check(spec, "stderr", (int) addDup2.invokeExact(actions, 1, 2));
            check(spec, "directory", (int) addChdir.invokeExact(actions,
                    arena.allocateFrom(spec.directory().toString())));
            check(spec, "closing descriptors", (int) addCloseFrom.invokeExact(actions, 3));
            MemorySegment noSignals = arena.allocate(SIGSET_BYTES, 8);
            MemorySegment defaults = arena.allocate(SIGSET_BYTES, 8);
            defaults.set(JAVA_LONG, 0, DEFAULT_SIGNALS);
            check(spec, "signal mask", (int) setSigMask.invokeExact(attributes, noSignals));
            check(spec, "signal defaults", (int) setSigDefault.invokeExact(attributes, defaults));
            short flags = (short) (POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
                    | (spec.newSession() ? POSIX_SPAWN_SETSID : 0));
            check(spec, "flags", (int) setFlags.invokeExact(attributes, flags));
        }

        private void check(SpawnSpec spec, String step, int error) throws IOException {
            if (error == 0) {
                return;
            }
            String reason;
            try {
                reason = ((MemorySegment) strerror.invokeExact(error)).reinterpret(256).getString(0);
            } catch (Throwable e) {
                reason = "error " + error;
            }
            throw new IOException("cannot run program \"" + spec.argv().getFirst() + "\" (in directory \""
                    + spec.directory() + "\", output to " + spec.output() + "): " + step + ": error=" + error + ", "
                    + reason);
        }

        private static List<String> environment(SpawnSpec spec) {
            var entries = new ArrayList<String>(spec.environment().size());
            spec.environment().forEach((name, value) -> entries.add(name + "=" + value));
            return entries;
        }

        /** A NULL-terminated array of C strings, as execve takes argv and envp. */
        private static MemorySegment strings(Arena arena, List<String> values) {
            MemorySegment array = arena.allocate(ADDRESS, values.size() + 1L);
            for (int i = 0; i < values.size(); i++) {
                array.setAtIndex(ADDRESS, i, arena.allocateFrom(values.get(i)));
            }
            array.setAtIndex(ADDRESS, values.size(), MemorySegment.NULL);
            return array;
        }
    }
}
