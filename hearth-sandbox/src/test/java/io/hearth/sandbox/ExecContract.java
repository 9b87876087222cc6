package io.hearth.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hearth.api.Workers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@link Sandbox#exec} against a real driver on this host: pipes, exit codes, stdin, kill, a real terminal (tty, size,
 * resize, Ctrl-C), what the program sees, and that a stopped sandbox takes its programs with it. Subclasses name the
 * driver; without its binary the class is skipped, never passed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ExecContract {
    private static final Workers READERS = Workers.bounded("exec-test-reader", 64, 64);
    static final Duration WAIT = Duration.ofSeconds(20);
    private static final ExecSpec.TerminalSize SIZE = new ExecSpec.TerminalSize(80, 24);

    final String mark = UUID.randomUUID().toString();
    Path work;
    Path code;
    Path logs;
    SandboxDriver driver;
    Sandbox sandbox;

    abstract String driverName();

    /** The binary the driver needs, absent for none. */
    abstract Optional<Path> requiredBinary();

    /** The agent's working directory as programs inside see it. */
    abstract String workingDirectory();

    /** Whether a program finds its terminal's name (tty(1), ttyname(3)), not only that it has one (isatty(3)). */
    boolean namesItsTerminal() {
        return true;
    }

    /** Whether the program sees a filesystem of its own rather than the host's. */
    abstract boolean isolated();

    @BeforeAll
    void startSandbox() throws IOException {
        requiredBinary().ifPresent(binary -> assumeTrue(Files.isExecutable(binary),
                binary + " is not installed: run ./hearth setup to test the " + driverName() + " driver"));
        work = Files.createTempDirectory("hearth-exec-" + driverName());
        logs = Path.of("target", "sandbox-logs", "exec-" + driverName()).toAbsolutePath();
        code = TestAgents.counter(work.resolve("code"));
        driver = SandboxDrivers.open(driverName(), work.resolve("sandboxes"));
        driver.reclaimLeftovers();
        sandbox = startAgent();
    }

    @AfterAll
    void stopSandbox() {
        if (driver != null) {
            driver.close();
            driver.reclaimLeftovers();
        }
        if (work != null) {
            IsolatingDriverContract.deleteTree(work);
        }
    }

    Sandbox startAgent() {
        Sandbox started = driver.start(TestAgents.spec(code, "agent.py", TestAgents.limits(1, 256, 64, 16),
                NetworkMode.PUBLIC, logs));
        AgentHttp.awaitReady(started.agentAddress(), WAIT);
        return started;
    }

    ExecSpec piped(String script) {
        return new ExecSpec(List.of("/bin/sh", "-c", script), Map.of("HEARTH_TEST_MARK", mark), Optional.empty());
    }

    ExecSpec terminal(String... command) {
        return new ExecSpec(List.of(command), Map.of("HEARTH_TEST_MARK", mark), Optional.of(SIZE));
    }

    /** Runs a short script to its end; returns stdout, stderr and the exit code. */
    record Ran(String stdout, String stderr, int code) {}

    Ran run(Sandbox in, String script) throws Exception {
        return run(in, piped(script));
    }

    Ran run(Sandbox in, ExecSpec spec) throws Exception {
        try (SandboxProcess p = in.exec(spec)) {
            p.stdin().close();
            CompletableFuture<String> out = readAll(p.stdout());
            CompletableFuture<String> err = readAll(p.stderr());
            int code = p.exit().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            return new Ran(out.get(WAIT.toSeconds(), TimeUnit.SECONDS), err.get(WAIT.toSeconds(), TimeUnit.SECONDS), code);
        }
    }

    static CompletableFuture<String> readAll(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, READERS);
    }

    /** Collects what a program writes, as it arrives, so a test can wait for a piece of it. */
    static final class Screen {
        private final ByteArrayOutputStream seen = new ByteArrayOutputStream();

        Screen(InputStream in) {
            READERS.execute(() -> {
                byte[] buffer = new byte[4096];
                try {
                    for (int n; (n = in.read(buffer)) >= 0; ) {
                        synchronized (seen) {
                            seen.write(buffer, 0, n);
                            seen.notifyAll();
                        }
                    }
                } catch (IOException e) {
                    // closed under us: what came is what there is
                }
            });
        }

        String text() {
            synchronized (seen) {
                return seen.toString(StandardCharsets.UTF_8);
            }
        }

        /** Waits until {@code expected} has appeared after {@code from} characters; returns where it ends. */
        int await(String expected, int from) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            synchronized (seen) {
                while (true) {
                    String text = seen.toString(StandardCharsets.UTF_8);
                    int at = text.indexOf(expected, Math.min(from, text.length()));
                    if (at >= 0) {
                        return at + expected.length();
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new AssertionError("waited " + WAIT + " for " + expected + " after " + from
                                + "; the program wrote: " + text);
                    }
                    seen.wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
                }
            }
        }
    }

    /** Programs inside the sandbox that carry this test's mark, counted from inside by a program of its own. */
    int markedProcesses(Sandbox in) throws Exception {
        // Unmarked itself, so it counts only the others.
        Ran ran = run(in, ExecSpec.piped(List.of("/bin/sh", "-c", "n=0; for f in /proc/[0-9]*/environ; do"
                + " if grep -qz '^HEARTH_TEST_MARK=" + mark + "$' \"$f\" 2>/dev/null; then n=$((n + 1)); fi; done; echo $n")));
        assertThat(ran.code()).as("the counting program: %s", ran).isZero();
        return Integer.parseInt(ran.stdout().trim());
    }

    @Test
    void stdoutAndStderrArriveSeparatelyWithTheExitCode() throws Exception {
        assertThat(run(sandbox, "echo to-out; echo to-err >&2; exit 3")).isEqualTo(new Ran("to-out\n", "to-err\n", 3));
        assertThat(run(sandbox, "exit 0").code()).isZero();
        assertThat(run(sandbox, "kill -TERM $$").code()).as("128 + SIGTERM").isEqualTo(143);
    }

    @Test
    void stdinReachesTheProgramAndOutputArrivesAsProduced() throws Exception {
        try (SandboxProcess cat = sandbox.exec(ExecSpec.piped(List.of("/bin/cat")))) {
            var screen = new Screen(cat.stdout());
            cat.stdin().write("first line\n".getBytes(StandardCharsets.UTF_8));
            screen.await("first line\n", 0);
            assertThat(cat.exit()).as("still reading its stdin").isNotDone();
            cat.stdin().write("second\n".getBytes(StandardCharsets.UTF_8));
            cat.stdin().close();
            assertThat(cat.exit().get(WAIT.toSeconds(), TimeUnit.SECONDS)).isZero();
            screen.await("first line\nsecond\n", 0);
        }
    }

    @Test
    void killEndsTheProgramAndEverythingItStarted() throws Exception {
        try (SandboxProcess p = sandbox.exec(piped("sleep 1000 & sleep 1000 & echo started; wait"))) {
            var screen = new Screen(p.stdout());
            screen.await("started\n", 0);
            assertThat(markedProcesses(sandbox)).as("the shell and its two sleeps").isEqualTo(3);
            p.kill();
            assertThat(p.exit().get(WAIT.toSeconds(), TimeUnit.SECONDS)).as("128 + SIGKILL").isEqualTo(137);
            p.kill(); // idempotent
        }
        assertThat(markedProcesses(sandbox)).isZero();
    }

    @Test
    void aMissingExecutableIsRefused() {
        assertThatThrownBy(() -> sandbox.exec(ExecSpec.piped(List.of("/no/such/program"))))
                .isInstanceOf(SandboxException.class)
                .hasMessageContaining("/no/such/program");
    }

    @Test
    void seesTheAgentsFilesWorkingDirectoryAndEnvironment() throws Exception {
        Ran ran = run(sandbox, "pwd; ls; echo \"$GREETING\" \"$HEARTH_TEST_MARK\"");
        assertThat(ran.stdout()).isEqualTo(workingDirectory() + "\nagent.py\nhello from the runtime " + mark + "\n");
        Ran host = run(sandbox, "test -e '" + work + "' && echo visible || echo invisible");
        assertThat(host.stdout().trim()).as("the host's files").isEqualTo(isolated() ? "invisible" : "visible");
    }

    @Test
    void runsAsTheAgentWithNoMorePrivilege() throws Exception {
        assumeTrue(isolated(), "the " + driverName() + " driver isolates nothing");
        Ran ran = run(sandbox, "id -u; id -G; awk '/^Uid:/ {print $2}' /proc/1/status;"
                + " awk '/^CapEff:/ {print $2}' /proc/self/status; hostname");
        String[] lines = ran.stdout().split("\n");
        assertThat(lines).as("%s", ran).hasSize(5);
        assertThat(lines[0]).as("uid, the same as the sandbox's init").isEqualTo(lines[2]).isNotEqualTo("0");
        assertThat(lines[1]).as("groups: its own only").isEqualTo(lines[0]);
        assertThat(lines[3]).as("effective capabilities").isEqualTo("0000000000000000");
        assertThat(lines[4]).isEqualTo("sandbox");
    }

    @Test
    void aTerminalIsATtyWithItsSizeAndResize() throws Exception {
        try (SandboxProcess tty = sandbox.exec(terminal("/bin/sh", "-c",
                "test -t 0 && test -t 1 && test -t 2 && echo all-three-a-tty; exec tty"))) {
            int code = tty.exit().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            String out = new String(tty.stdout().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(out).startsWith("all-three-a-tty\r\n");
            if (namesItsTerminal()) {
                assertThat(code).isZero();
                assertThat(out).contains("\n/dev/pts/");
            }
            assertThat(tty.stderr().read()).as("a terminal's stderr is its stdout").isEqualTo(-1);
        }
        try (SandboxProcess shell = sandbox.exec(terminal("/bin/sh", "-c",
                "trap 'echo winch; stty size' WINCH; stty size; while :; do sleep 0.1; done"))) {
            var screen = new Screen(shell.stdout());
            int at = screen.await("24 80", 0);
            shell.resize(new ExecSpec.TerminalSize(100, 30));
            screen.await("winch", at);
            screen.await("30 100", at);
        }
        try (SandboxProcess pipes = sandbox.exec(ExecSpec.piped(List.of("/bin/cat")))) {
            assertThatThrownBy(() -> pipes.resize(SIZE)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void ctrlCInterruptsTheForegroundProgramAndTheShellSurvives() throws Exception {
        try (SandboxProcess shell = sandbox.exec(terminal("/bin/sh", "-i"))) {
            var screen = new Screen(shell.stdout());
            var in = shell.stdin();
            in.write("echo sleep-$((1 + 1)); sleep 100\n".getBytes(StandardCharsets.UTF_8));
            int at = screen.await("sleep-2", 0);
            Thread.sleep(500); // the shell forks sleep just after its echo
            long interrupted = System.nanoTime();
            in.write(3);
            in.write("echo alive-$((6 * 7))\n".getBytes(StandardCharsets.UTF_8));
            screen.await("alive-42", at);
            assertThat(Duration.ofNanos(System.nanoTime() - interrupted)).isLessThan(Duration.ofSeconds(20));
            in.write("exit 5\n".getBytes(StandardCharsets.UTF_8));
            assertThat(shell.exit().get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(5);
        }
    }

    @Test
    void closeReleasesEveryHostDescriptorAndFile() throws Exception {
        run(sandbox, "true"); // warm: first uses load classes and open jars
        try (SandboxProcess warm = sandbox.exec(terminal("/bin/true"))) {
            warm.exit().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
        long before = openDescriptors();
        for (int i = 0; i < 5; i++) {
            SandboxProcess pipes = sandbox.exec(piped("sleep 1000"));
            SandboxProcess term = sandbox.exec(terminal("/bin/sh", "-i"));
            pipes.close();
            term.close();
            assertThat(pipes.exit()).isDone();
            assertThat(term.exit()).isDone();
        }
        assertThat(openDescriptors()).isEqualTo(before);
        assertThat(markedProcesses(sandbox)).isZero();
        try (Stream<Path> temp = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            assertThat(temp.filter(f -> f.getFileName().toString().startsWith("hearth-pty-"))).isEmpty();
        }
    }

    @Test
    void aStoppedSandboxKillsItsProgramsAndRunsNoMore() throws Exception {
        Sandbox doomed = startAgent();
        SandboxProcess pipes = doomed.exec(piped("echo up; sleep 1000"));
        SandboxProcess term = doomed.exec(terminal("/bin/sh", "-i"));
        new Screen(pipes.stdout()).await("up", 0);
        doomed.stop();
        // Killed, or asked to end with the agent (SIGTERM) by a driver that signals the whole sandbox.
        assertThat(pipes.exit().get(WAIT.toSeconds(), TimeUnit.SECONDS)).isIn(137, 143);
        assertThat(term.exit().get(WAIT.toSeconds(), TimeUnit.SECONDS)).isIn(137, 143);
        assertThat(HostLeaks.processesWithEnvironment("HEARTH_TEST_MARK=" + mark))
                .as("programs of the stopped sandbox, or host processes that ran them").isEmpty();
        assertThatThrownBy(() -> doomed.exec(piped("true")))
                .isInstanceOf(SandboxException.class)
                .hasMessageContaining(doomed.id());
        pipes.close();
        term.close();
    }

    static long openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
