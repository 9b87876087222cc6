package io.hearth.router.internal;

import io.hearth.api.ApiException;
import io.hearth.api.AwsHeaders;
import io.hearth.api.Workers;
import io.hearth.http.EventStreamMessage;
import io.hearth.router.internal.CommandEvents.Output;
import io.hearth.router.internal.CommandEvents.Status;
import io.hearth.sandbox.SandboxProcess;
import io.hearth.session.EndReason;
import io.hearth.session.Exchange;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running command, from its 200 to its last event: {@code contentStart}, the program's output as it comes, then
 * {@code contentStop}. Each output is pumped on its own thread, one read at a time, and a read is sent before the
 * next is made, so a caller that stops reading stops the program (its pipe fills) instead of growing Hearth's heap.
 * The program is killed at its timeout, when the caller goes away, or when the session ends under it; it holds the
 * exchange, and so keeps its session busy, until then.
 */
public final class CommandRun {
    private static final Logger LOG = LoggerFactory.getLogger(CommandRun.class);
    /** One read of a program's output; its text goes out as one or a few events. */
    private static final int READ_BYTES = 32 * 1024;
    /** How long a killed program's remaining output, and its exit, may take to arrive. */
    private static final Duration AFTER_KILL = Duration.ofSeconds(30);

    private final Request request;
    private final Response response;
    private final Callback callback;
    private final Exchange exchange;
    private final SandboxProcess process;
    private final Duration timeout;
    private final Workers pumps;
    private final CallerWatch callers;
    private final EventWriter out;

    public CommandRun(Request request, Response response, Callback callback, Exchange exchange, SandboxProcess process,
            Duration timeout, Workers pumps, CallerWatch callers) {
        this.request = request;
        this.response = response;
        this.callback = callback;
        this.exchange = exchange;
        this.process = process;
        this.timeout = timeout;
        this.pumps = pumps;
        this.callers = callers;
        this.out = new EventWriter(response);
    }

    /** Streams the command to its end; blocks (a virtual thread). Closes the process and the exchange. */
    public void run() {
        Optional<CallerWatch.Watch> watch = callers.watch(request, process::kill);
        // A silent program is no idle caller: the connection may be quiet for as long as the command may run.
        EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
        long idleBefore = endPoint.getIdleTimeout();
        endPoint.setIdleTimeout(Math.max(idleBefore, timeout.plus(AFTER_KILL).plus(AFTER_KILL).toMillis()));
        try {
            request.addFailureListener(failure -> process.kill());
            exchange.onAbort(reason -> process.kill());
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, EventStreamMessage.CONTENT_TYPE);
            response.getHeaders().put(AwsHeaders.SESSION_ID, exchange.sessionId());
            out.send(CommandEvents.start(), false);
            finish(awaitEnd());
        } catch (EventWriter.CallerGone e) {
            process.kill();
            callback.failed(e);
        } catch (RuntimeException e) {
            process.kill();
            LOG.error("command in session {} failed", exchange.sessionId(), e);
            callback.failed(e);
        } finally {
            watch.ifPresent(CallerWatch.Watch::close);
            endPoint.setIdleTimeout(idleBefore);
            process.close();
            exchange.close();
        }
    }

    /**
     * Waits for both outputs to end and the program to exit; kills it at its timeout. Empty when the program's end
     * could not be known (its sandbox failed under it).
     */
    private Optional<Status> awaitEnd() {
        CompletableFuture<Void> stdout = pump(process.stdout(), Output.STDOUT);
        CompletableFuture<Void> stderr = pump(process.stderr(), Output.STDERR);
        CompletableFuture<Void> ended = CompletableFuture.allOf(stdout, stderr, process.exit());
        Status status = Status.COMPLETED;
        try {
            ended.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            status = Status.TIMED_OUT;
            process.kill();
        } catch (ExecutionException e) {
            process.kill(); // a pump failed: the caller is gone
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.kill();
        }
        try {
            ended.get(AFTER_KILL.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof EventWriter.CallerGone gone) {
                throw gone;
            }
            LOG.info("command in session {}: its program's end is unknown", exchange.sessionId(), e.getCause());
            return Optional.empty();
        } catch (TimeoutException e) {
            throw new IllegalStateException("command in session " + exchange.sessionId() + ": its output did not end within "
                    + AFTER_KILL.toSeconds() + " s of its kill (expected: a killed program's pipes to close)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("command in session " + exchange.sessionId() + ": interrupted", e);
        }
        return Optional.of(status);
    }

    private void finish(Optional<Status> status) {
        Optional<EndReason> ended = exchange.abortedBy();
        if (ended.isPresent()) {
            out.send(CommandEvents.exception(ApiException.runtimeClient("session " + exchange.sessionId() + " ended ("
                    + ended.get().wireName() + ") while its command ran")), true);
        } else if (status.isEmpty()) {
            out.send(CommandEvents.exception(ApiException.runtimeClient("the sandbox of session " + exchange.sessionId()
                    + " failed while its command ran")), true);
        } else {
            out.send(CommandEvents.stop(process.exit().join(), status.get()), true);
        }
        callback.succeeded();
    }

    private CompletableFuture<Void> pump(InputStream output, Output which) {
        return CompletableFuture.runAsync(() -> {
            var text = new Utf8Chunks();
            byte[] buffer = new byte[READ_BYTES];
            try (output) {
                int read;
                while ((read = output.read(buffer)) != -1) {
                    send(which, text.next(buffer, read));
                }
            } catch (IOException e) {
                // A pipe closed under the read (the program was killed and its descriptors released): its end.
                LOG.debug("command in session {}: {} ended with {}", exchange.sessionId(), which.member(), e.toString());
            } catch (EventWriter.CallerGone e) {
                process.kill();
                throw e;
            }
            send(which, text.finish());
        }, pumps);
    }

    private void send(Output which, String text) {
        if (!text.isEmpty()) {
            for (EventStreamMessage delta : CommandEvents.deltas(which, text)) {
                out.send(delta, false);
            }
        }
    }
}
