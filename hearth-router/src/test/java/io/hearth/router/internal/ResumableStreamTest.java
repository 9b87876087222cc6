package io.hearth.router.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hearth.api.ApiException;
import io.hearth.router.ResumableStreamSettings;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.content.AsyncContent;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The stream between one agent answer and its callers, with the agent's body and the callers' responses in memory. */
class ResumableStreamTest {
    private final ScheduledExecutorScheduler scheduler = new ScheduledExecutorScheduler("resumable-stream-test", true);
    private final AsyncContent agentBody = new AsyncContent();
    private final AtomicReference<Throwable> aborted = new AtomicReference<>();
    private final AtomicInteger released = new AtomicInteger();
    private final AtomicInteger forgotten = new AtomicInteger();
    /** How many of the agent's chunks the stream has read (their write callbacks completed). */
    private final AtomicInteger read = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        scheduler.start();
    }

    @AfterEach
    void stop() throws Exception {
        scheduler.stop();
    }

    private static void until(Duration limit, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + limit);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    private ResumableStream stream(long tailBytes, Duration hold) {
        var agent = new ResumableStream.AgentSide("session-1", agentBody, failure -> {
            aborted.set(failure);
            agentBody.fail(failure);
        }, released::incrementAndGet, Optional::empty);
        return new ResumableStream("0123456789abcdef", agent, "text/event-stream",
                new ResumableStreamSettings(tailBytes, hold), scheduler, forgotten::incrementAndGet);
    }

    private void agentSends(int from, int to) {
        for (int n = from; n <= to; n++) {
            agentBody.write(false, ByteBuffer.wrap(("data: event " + n + "\n\n").getBytes(StandardCharsets.UTF_8)),
                    Callback.from(read::incrementAndGet));
        }
    }

    @Test
    void whileNoCallerIsAttachedTheAgentIsReadOnlyUntilTheTailIsFull() throws Exception {
        var stream = stream(200, Duration.ofSeconds(60));
        var dropping = new Caller(Caller.Mode.DROP);
        stream.start(dropping.response, dropping.callback);
        agentSends(1, 10);
        // Each event is 38 bytes once numbered: the sixth takes the tail past 200 bytes, and the other four wait in
        // the agent.
        until(Duration.ofSeconds(5), () -> read.get() == 6);
        Thread.sleep(200);
        assertThat(read.get()).isEqualTo(6);
        assertThat(dropping.failed.get()).isNotNull();

        var back = new Caller(Caller.Mode.TAKE);
        stream.attach(0, "session-1", back.response, back.callback);
        agentBody.write(true, ByteBuffer.allocate(0), Callback.NOOP);
        until(Duration.ofSeconds(5), () -> back.succeeded.get() > 0);
        assertThat(back.events()).containsExactly("event 1", "event 2", "event 3", "event 4", "event 5", "event 6",
                "event 7", "event 8", "event 9", "event 10");
        assertThat(back.text()).contains("id: 0123456789abcdef.10\n\n");
        assertThat(released.get()).isEqualTo(1);
        assertThat(forgotten.get()).isEqualTo(1);
        assertThat(aborted.get()).isNull();
    }

    @Test
    void anAttachedCallerThatDoesNotTakeMoreHoldsTheAgentBack() {
        var stream = stream(1 << 20, Duration.ofSeconds(60));
        var slow = new Caller(Caller.Mode.HOLD);
        stream.start(slow.response, slow.callback);
        agentSends(1, 3);
        until(Duration.ofSeconds(5), () -> read.get() == 1);
        assertThat(slow.pending).hasSize(1);
        slow.pending.removeFirst().succeeded();
        until(Duration.ofSeconds(5), () -> read.get() == 2);
        assertThat(read.get()).isEqualTo(2);
    }

    @Test
    void anAnswerNobodyReattachesToIsAbortedAfterTheHoldAndItsSessionReleased() throws Exception {
        var stream = stream(1 << 20, Duration.ofSeconds(1));
        var dropping = new Caller(Caller.Mode.DROP);
        stream.start(dropping.response, dropping.callback);
        agentSends(1, 2);
        until(Duration.ofSeconds(5), () -> dropping.failed.get() != null);
        Thread.sleep(500);
        assertThat(released.get()).as("released before the hold is over").isZero();
        // Forgetting the stream is the last step of the expiry: abort and release come before it.
        until(Duration.ofSeconds(3), () -> forgotten.get() == 1);
        assertThat(aborted.get()).hasMessageContaining("no caller reattached to stream 0123456789abcdef within 1 s");
        assertThat(released.get()).isEqualTo(1);
        assertThat(forgotten.get()).isEqualTo(1);

        var late = new Caller(Caller.Mode.TAKE);
        assertThatThrownBy(() -> stream.attach(1, "session-1", late.response, late.callback))
                .isInstanceOf(ApiException.NotFound.class).hasMessageContaining("is no longer held");
    }

    @Test
    void aReattachAskingForAnEventNeverSentIsRefused() {
        var stream = stream(1 << 20, Duration.ofSeconds(60));
        var caller = new Caller(Caller.Mode.TAKE);
        stream.start(caller.response, caller.callback);
        agentSends(1, 2);
        until(Duration.ofSeconds(5), () -> read.get() == 2);
        var other = new Caller(Caller.Mode.TAKE);
        assertThatThrownBy(() -> stream.attach(7, "session-1", other.response, other.callback))
                .isInstanceOf(ApiException.NotFound.class)
                .hasMessageContaining("Event 0123456789abcdef.7 of session session-1 was never sent")
                .hasMessageContaining("at most 0123456789abcdef.2");
    }

    /** A caller's response, in memory: it takes every write, holds them, or fails them as a dropped connection. */
    private static final class Caller {
        enum Mode { TAKE, HOLD, DROP }

        final Mode mode;
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        final HttpFields.Mutable headers = HttpFields.build();
        final List<Callback> pending = new ArrayList<>();
        final AtomicInteger succeeded = new AtomicInteger();
        final AtomicReference<Throwable> failed = new AtomicReference<>();
        final Callback callback = Callback.from(succeeded::incrementAndGet, failed::set);
        final Response response;

        Caller(Mode mode) {
            this.mode = mode;
            this.response = (Response) Proxy.newProxyInstance(Response.class.getClassLoader(),
                    new Class<?>[] {Response.class}, (proxy, method, args) -> switch (method.getName()) {
                        case "write" -> {
                            write((ByteBuffer) args[1], (Callback) args[2]);
                            yield null;
                        }
                        case "getHeaders" -> headers;
                        case "setStatus" -> null;
                        case "isCommitted" -> received.size() > 0;
                        case "toString" -> "caller " + mode;
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }

        private synchronized void write(ByteBuffer bytes, Callback done) {
            if (mode == Mode.DROP) {
                done.failed(new java.io.EOFException("the caller's connection dropped"));
                return;
            }
            if (bytes != null) {
                byte[] copy = new byte[bytes.remaining()];
                bytes.get(copy);
                received.writeBytes(copy);
            }
            if (mode == Mode.HOLD) {
                pending.add(done);
            } else {
                done.succeeded();
            }
        }

        synchronized String text() {
            return received.toString(StandardCharsets.UTF_8);
        }

        List<String> events() {
            return text().lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
        }
    }
}
