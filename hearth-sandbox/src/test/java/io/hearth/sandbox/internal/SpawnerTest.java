package io.hearth.sandbox.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpawnerTest {
    private static final Map<String, String> PATH_ONLY = Map.of("PATH", "/usr/bin:/bin");

    @TempDir
    Path dir;

    private String run(List<String> argv, Map<String, String> env, boolean newSession) throws Exception {
        Path out = dir.resolve("out");
        Process process = Spawner.start(new SpawnSpec(argv, dir, env, SpawnSpec.NO_INPUT, out,
                SpawnSpec.OutputMode.REPLACE, newSession));
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("%s ended", argv).isTrue();
        assertThat(process.exitValue()).as("exit of %s", argv).isZero();
        return Files.readString(out);
    }

    @Test
    void theLaunchIsTheNativeOneOnThisHost() {
        assertThat(Spawner.nativeAvailable()).as("posix_spawn with closefrom and chdir in the C library").isTrue();
    }

    @Test
    void noDescriptorOfTheServerReachesTheProgram() throws Exception {
        var open = new ArrayList<FileChannel>();
        try {
            for (int i = 0; i < 200; i++) {
                open.add(FileChannel.open(Files.createTempFile(dir, "held", ".txt"), StandardOpenOption.WRITE));
            }
            // ls is another process: it lists the shell's table, not its own.
            String fds = run(List.of("/bin/sh", "-c", "ls -1 /proc/$$/fd"), PATH_ONLY, false);
            assertThat(fds.lines().toList()).containsExactlyInAnyOrder("0", "1", "2");
        } finally {
            for (FileChannel channel : open) {
                channel.close();
            }
        }
    }

    @Test
    void theProgramGetsExactlyItsEnvironmentDirectoryAndInput() throws Exception {
        Path input = dir.resolve("in.txt");
        Files.writeString(input, "from the input file\n");
        Path out = dir.resolve("out");
        Process process = Spawner.start(new SpawnSpec(List.of("/bin/sh", "-c", "pwd; env | sort; cat; echo oops >&2"),
                dir, Map.of("PATH", "/usr/bin:/bin", "GREETING", "hello world"), input, out,
                SpawnSpec.OutputMode.REPLACE, false));
        assertThat(process.waitFor()).isZero();
        assertThat(Files.readString(out).lines().toList()).contains(dir.toRealPath().toString(),
                "GREETING=hello world", "PATH=/usr/bin:/bin", "from the input file", "oops")
                .noneMatch(line -> line.startsWith("HOME=") || line.startsWith("JAVA_HOME="));
    }

    @Test
    void appendingKeepsWhatTheLogHeldAndReplacingDoesNot() throws Exception {
        Path log = dir.resolve("agent.log");
        Files.writeString(log, "earlier\n");
        Spawner.start(SpawnSpec.logged(List.of("/bin/echo", "later"), dir, PATH_ONLY, log, false)).waitFor();
        assertThat(Files.readString(log)).isEqualTo("earlier\nlater\n");
        Spawner.start(new SpawnSpec(List.of("/bin/echo", "only"), dir, PATH_ONLY, SpawnSpec.NO_INPUT, log,
                SpawnSpec.OutputMode.REPLACE, false)).waitFor();
        assertThat(Files.readString(log)).isEqualTo("only\n");
    }

    @Test
    void aNewSessionIsLedByTheProgramItself() throws Exception {
        Path out = dir.resolve("out");
        Process process = Spawner.start(new SpawnSpec(List.of("/bin/sh", "-c", "echo $$; ps -o sid=,pgid= -p $$"),
                dir, PATH_ONLY, SpawnSpec.NO_INPUT, out, SpawnSpec.OutputMode.REPLACE, true));
        process.waitFor();
        List<String> lines = Files.readString(out).lines().toList();
        assertThat(lines.getFirst()).isEqualTo(Long.toString(process.pid()));
        assertThat(lines.get(1).trim().split("\\s+")).containsExactly(Long.toString(process.pid()),
                Long.toString(process.pid()));
    }

    @Test
    void signalsIgnoredByTheServerAreAtTheirDefaultsInTheProgram() throws Throwable {
        var linker = java.lang.foreign.Linker.nativeLinker();
        var signal = linker.downcallHandle(linker.defaultLookup().find("signal").orElseThrow(),
                java.lang.foreign.FunctionDescriptor.of(java.lang.foreign.ValueLayout.ADDRESS,
                        java.lang.foreign.ValueLayout.JAVA_INT, java.lang.foreign.ValueLayout.ADDRESS));
        // For a moment this JVM ignores SIGHUP, as a server started under nohup does.
        var previous = (java.lang.foreign.MemorySegment) signal.invoke(1,
                java.lang.foreign.MemorySegment.ofAddress(1)); // SIG_IGN
        try {
            var argv = List.of("/bin/grep", "SigIgn", "/proc/self/status");
            Path out = dir.resolve("jdk");
            Spawner.startWithJdk(new SpawnSpec(argv, dir, PATH_ONLY, SpawnSpec.NO_INPUT, out,
                    SpawnSpec.OutputMode.REPLACE, false)).waitFor();
            assertThat(ignoredSignals(Files.readString(out)) & 1).as("SIGHUP, through the JDK's launch").isEqualTo(1);
            assertThat(ignoredSignals(run(argv, PATH_ONLY, false)) & (1L | 1L << 1 | 1L << 2 | 1L << 12 | 1L << 14))
                    .as("HUP, INT, QUIT, PIPE and TERM ignored in the program").isZero();
        } finally {
            signal.invoke(1, previous);
        }
    }

    private static long ignoredSignals(String status) {
        return Long.parseLong(status.trim().split("\\s+")[1], 16);
    }

    @Test
    void exitCodesAndSignalsAreReportedAsTheJdkReportsThem() throws Exception {
        Process exits = Spawner.start(SpawnSpec.logged(List.of("/bin/sh", "-c", "exit 7"), dir, PATH_ONLY,
                dir.resolve("log"), false));
        assertThat(exits.waitFor()).isEqualTo(7);
        assertThat(exits.isAlive()).isFalse();
        Process sleeps = Spawner.start(SpawnSpec.logged(List.of("sleep", "30"), dir, PATH_ONLY, dir.resolve("log"),
                false));
        assertThat(sleeps.isAlive()).isTrue();
        assertThatThrownBy(sleeps::exitValue).isInstanceOf(IllegalThreadStateException.class);
        assertThat(sleeps.toHandle().info().command()).hasValue("/usr/bin/sleep");
        sleeps.destroyForcibly();
        assertThat(sleeps.onExit().get(10, TimeUnit.SECONDS).exitValue()).isEqualTo(128 + 9);
        assertThat(sleeps.toHandle().isAlive()).isFalse();
    }

    @Test
    void aProgramIsLookedUpOnThePathItIsGiven() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path tool = bin.resolve("hearth-spawn-probe");
        Files.writeString(tool, "#!/bin/sh\necho found\n");
        tool.toFile().setExecutable(true);
        assertThat(run(List.of("hearth-spawn-probe"), Map.of("PATH", bin + ":/usr/bin:/bin"), false)).isEqualTo("found\n");
        assertThatThrownBy(() -> Spawner.start(SpawnSpec.logged(List.of("hearth-spawn-probe"), dir, PATH_ONLY,
                dir.resolve("log"), false)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("hearth-spawn-probe")
                .hasMessageContaining("not found on PATH /usr/bin:/bin");
    }

    @Test
    void whatCannotBeStartedSaysWhatAndWhy() {
        assertThatThrownBy(() -> Spawner.start(SpawnSpec.logged(List.of("/nonexistent/agent"), dir, PATH_ONLY,
                dir.resolve("log"), false)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("/nonexistent/agent")
                .hasMessageContaining("No such file or directory");
        assertThatThrownBy(() -> Spawner.start(SpawnSpec.logged(List.of("/bin/true"), dir.resolve("missing"),
                PATH_ONLY, dir.resolve("log"), false)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(dir.resolve("missing").toString());
        assertThatThrownBy(() -> Spawner.start(SpawnSpec.logged(List.of("/bin/true"), dir, PATH_ONLY,
                dir.resolve("no-such-dir/log"), false)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("no-such-dir/log");
        assertThatThrownBy(() -> SpawnSpec.logged(List.of("/bin/echo", "a\0b"), dir, PATH_ONLY, dir.resolve("log"),
                false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a\\0b");
    }
}
