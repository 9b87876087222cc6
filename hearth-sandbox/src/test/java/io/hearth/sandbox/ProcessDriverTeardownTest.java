package io.hearth.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hearth.sandbox.internal.ProcessDriver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Teardown of the process driver under the conditions that used to hang it or leave agents running. */
class ProcessDriverTeardownTest {
    private static final Duration GRACE = Duration.ofSeconds(1);
    /** What the driver promises for close(), however many sandboxes it runs. */
    private static final Duration CLOSE_BOUND = Duration.ofSeconds(10);

    private final String mark = UUID.randomUUID().toString();
    private Path work;
    private Path code;
    private ProcessDriver driver;

    @BeforeEach
    void openDriver() throws IOException {
        work = Files.createTempDirectory("hearth-process-teardown");
        code = Files.createDirectories(work.resolve("code"));
        driver = new ProcessDriver(work.resolve("sandboxes"), GRACE);
    }

    @AfterEach
    void cleanUp() throws IOException {
        HostLeaks.kill(HostLeaks.processesWithEnvironment(markEntry()));
        try (Stream<String> mounts = Files.lines(Path.of("/proc/self/mountinfo"))) {
            for (String line : mounts.filter(l -> l.contains(work.toString())).toList()) {
                new ProcessBuilder("umount", "-l", line.split(" ")[4]).inheritIO().start().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        IsolatingDriverContract.deleteTree(work);
    }

    private String markEntry() {
        return "HEARTH_TEST_MARK=" + mark;
    }

    private SandboxSpec spec(String script) {
        String id = SandboxIds.next();
        return new SandboxSpec(id, code, List.of("/bin/sh", "-c", script), Map.of("HEARTH_TEST_MARK", mark),
                TestAgents.limits(1, 256, 64, 16), NetworkMode.PUBLIC, work.resolve("logs").resolve(id + ".log"),
                Map.of("test", "true"));
    }

    /** Runs {@code action} on a thread of its own and fails, rather than hanging the suite, if it outlasts {@code limit}. */
    private static Duration within(Duration limit, Runnable action) throws Exception {
        var task = new FutureTask<Void>(action, null);
        Thread thread = Thread.ofPlatform().daemon().name("bounded-call").start(task);
        long begin = System.nanoTime();
        try {
            task.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            thread.interrupt();
            throw new AssertionError("still blocked after " + limit.toMillis() + " ms", e);
        }
        return Duration.ofNanos(System.nanoTime() - begin);
    }

    @Test
    void exitCompletesAndStopReturnsWhenCleanupFails() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root");
        // The agent mounts over part of its workspace, as an unisolated agent may: removing its state directory fails.
        Sandbox sandbox = driver.start(spec("mkdir -p \"$HEARTH_WORKSPACE/held\""
                + " && mount -t tmpfs hearth-test \"$HEARTH_WORKSPACE/held\" && exec sleep 600"));
        Path held = work.resolve("sandboxes").resolve(sandbox.id()).resolve("workspace/held");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().noneMatch(l -> l.contains(held.toString()))) {
            assertThat(System.nanoTime()).as("the agent mounted %s", held).isLessThan(deadline);
            Thread.sleep(20);
        }

        Duration took = within(Duration.ofSeconds(20), sandbox::stop);

        assertThat(took).isLessThan(GRACE.plusSeconds(10));
        assertThat(sandbox.exit()).isCompletedWithValue(new SandboxExit.Stopped());
        assertThat(HostLeaks.processesWithEnvironment(markEntry())).isEmpty();
    }

    @Test
    void isAliveTurnsFalseWhenTheAgentExitsBeforeTheTeardownEnds() throws Exception {
        // Thousands of workspace files make the teardown (which deletes them) last well past the exit.
        Sandbox sandbox = driver.start(spec("mkdir \"$HEARTH_WORKSPACE/files\" && i=0; while [ $i -lt 5000 ];"
                + " do : > \"$HEARTH_WORKSPACE/files/$i\"; i=$((i + 1)); done; exit 3"));
        assertThat(DeathWatch.of(sandbox, Duration.ofSeconds(30)))
                .as("isAlive() false while the teardown still ran").isTrue();
        assertThat(sandbox.isAlive()).isFalse();
        assertThat(sandbox.exit().get()).isEqualTo(new SandboxExit.Exited(3));
    }

    @Test
    void closeStopsEverySandboxIncludingOnesStillStartingWithinItsBound() throws Exception {
        int wanted = 50;
        var started = new ConcurrentLinkedQueue<Sandbox>();
        var refused = new ConcurrentLinkedQueue<SandboxException>();
        var unexpected = new ConcurrentLinkedQueue<Throwable>();
        var enough = new CountDownLatch(wanted);
        var attempts = new AtomicInteger();
        var starters = new ArrayList<Thread>();
        for (int t = 0; t < 8; t++) {
            starters.add(Thread.ofPlatform().name("starter-" + t).start(() -> {
                // Each starter keeps starting until the driver refuses it: some starts are under way when close() runs.
                for (int n; (n = attempts.getAndIncrement()) < 300; ) {
                    // Half ignore SIGTERM, so close() must also wait out the grace and SIGKILL them.
                    String script = n % 2 == 0 ? "trap '' TERM; exec sleep 600" : "exec sleep 600";
                    try {
                        started.add(driver.start(spec(script)));
                        enough.countDown();
                    } catch (SandboxException e) {
                        refused.add(e);
                        return;
                    } catch (Throwable e) {
                        unexpected.add(e);
                        return;
                    }
                }
            }));
        }
        assertThat(enough.await(60, TimeUnit.SECONDS)).as("%d sandboxes started", wanted).isTrue();

        Duration took = within(CLOSE_BOUND.plusSeconds(5), driver::close);
        List<Long> leftAtClose = HostLeaks.processesWithEnvironment(markEntry());
        for (Thread starter : starters) {
            starter.join(Duration.ofSeconds(30));
        }

        assertThat(took).isLessThan(CLOSE_BOUND);
        assertThat(leftAtClose).as("agent processes still alive when close() returned").isEmpty();
        assertThat(unexpected).isEmpty();
        assertThat(started).as("started before close").hasSizeGreaterThanOrEqualTo(wanted);
        assertThat(started).allSatisfy(s -> assertThat(s.exit()).isDone());
        assertThat(refused).as("each starter's first start after close").hasSize(starters.size())
                .allSatisfy(e -> assertThat(e).hasMessageContaining("driver closed"));
        assertThat(HostLeaks.processesWithEnvironment(markEntry())).isEmpty();
        try (Stream<Path> left = Files.list(work.resolve("sandboxes"))) {
            assertThat(left).as("state directories").isEmpty();
        }
    }

    @Test
    void startAfterCloseIsRefused() throws Exception {
        Sandbox before = driver.start(spec("exec sleep 600"));
        within(CLOSE_BOUND, driver::close);
        assertThat(before.exit()).isDone();

        assertThatThrownBy(() -> driver.start(spec("exec sleep 600")))
                .isInstanceOf(SandboxException.class)
                .hasMessageContaining("driver closed");
        assertThat(HostLeaks.processesWithEnvironment(markEntry())).isEmpty();
        within(Duration.ofSeconds(1), driver::close); // idempotent
    }
}
