package io.hearth.server.internal;

import static java.util.Objects.requireNonNull;

import io.hearth.api.ApiException;
import io.hearth.api.FieldError;
import io.hearth.api.Workers;
import io.hearth.http.PathSegments;
import io.hearth.launcher.AgentLogSettings;
import io.hearth.session.SessionInfo;
import io.hearth.session.SessionManager;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * {@code GET /hearth/v1/sessions/{sessionId}/logs?runtimeId=&tail=N&follow=true}: what a session's agent wrote to
 * stdout and stderr, as text. With {@code tail}, only the last N lines; with {@code follow}, the answer stays open and
 * carries each line as the agent writes it, until the session ends or the caller goes away.
 *
 * <p>The file is never held whole: it is copied a block at a time, each block written before the next is read, so a
 * caller that reads slowly slows the copy and nothing piles up. The caller's tenant's sessions only; every tenant's
 * for the root tenant; another tenant's session reads as one that does not exist.
 */
public final class SessionLogsApiHandler extends Handler.Abstract {
    /** Followers at once on this node; more are throttled, since each holds a thread while it waits for lines. */
    private static final int MAX_FOLLOWERS = 512;
    private static final int MAX_TAIL = 1_000_000;
    private static final int BLOCK = 16 * 1024;
    /** How often a follower looks for new lines and for the session's end. */
    private static final Duration POLL = Duration.ofMillis(100);

    private final SessionManager sessions;
    private final Tenancy tenancy;
    private volatile Workers followers;

    public SessionLogsApiHandler(SessionManager sessions, String rootTenant) {
        this.sessions = requireNonNull(sessions, "sessions");
        this.tenancy = new Tenancy(rootTenant, (tenant, runtimeId) -> false);
    }

    @Override
    protected void doStart() throws Exception {
        followers = Workers.bounded("hearth-log-follow", MAX_FOLLOWERS, 0);
        super.doStart();
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop();
        followers.close(Duration.ofSeconds(1));
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        List<String> path = PathSegments.of(request);
        if (path.size() != 5 || !path.get(0).equals("hearth") || !path.get(1).equals("v1")
                || !path.get(2).equals("sessions") || !path.get(4).equals("logs")) {
            return false;
        }
        if (!request.getMethod().equals("GET")) {
            throw ApiException.notFound("No Hearth operation at " + request.getMethod() + " " + request.getHttpURI().getPath()
                    + " (expected: GET)");
        }
        Fields query = Request.extractQueryParameters(request);
        String sessionId = path.get(3);
        String runtimeId = query.getValue("runtimeId");
        if (runtimeId == null || runtimeId.isBlank()) {
            String message = "runtimeId: required query parameter (expected: the id of the session's agent runtime)";
            throw ApiException.validation(message, new FieldError("runtimeId", message));
        }
        long tail = tail(query.getValue("tail"));
        boolean follow = follow(query.getValue("follow"));
        var caller = Tenancy.caller(request);
        SessionInfo session = sessions.find(s -> s.runtimeId().equals(runtimeId) && s.sessionId().equals(sessionId)
                        && tenancy.sees(caller, s.tenant()))
                .orElseThrow(() -> ApiException.notFound("No session " + sessionId + " of runtime " + runtimeId));
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        var copy = new LogCopy(session, Path.of(session.logFile()), tail, follow, request, response, callback);
        if (!follow) {
            copy.run();
            return true;
        }
        try {
            followers.execute(copy);
        } catch (RejectedExecutionException e) {
            throw new ApiException.Throttling("Rate exceeded: too many logs followed at once; retry later (" + e.getMessage() + ")");
        }
        return true;
    }

    private static long tail(String value) {
        if (value == null) {
            return -1;
        }
        try {
            long n = Long.parseLong(value);
            if (n >= 0 && n <= MAX_TAIL) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // refused below
        }
        String message = "tail: " + value + " (expected: a whole number of lines, 0 to " + MAX_TAIL + ")";
        throw ApiException.validation(message, new FieldError("tail", message));
    }

    private static boolean follow(String value) {
        if (value == null || value.equals("false")) {
            return false;
        }
        if (value.equals("true")) {
            return true;
        }
        String message = "follow: " + value + " (expected: true or false)";
        throw ApiException.validation(message, new FieldError("follow", message));
    }

    /** One answer: the rotated file's part, then the live file's, then (following) what comes. */
    private final class LogCopy implements Runnable {
        private final SessionInfo session;
        private final Path log;
        private final long tail;
        private final Response response;
        private final Callback callback;
        private final boolean follow;
        private final AtomicBoolean gone = new AtomicBoolean();
        private final ByteBuffer block = ByteBuffer.allocate(BLOCK);

        LogCopy(SessionInfo session, Path log, long tail, boolean follow, Request request, Response response, Callback callback) {
            this.session = session;
            this.log = log;
            this.tail = tail;
            this.response = response;
            this.callback = callback;
            this.follow = follow;
            request.addFailureListener(failure -> gone.set(true));
            if (follow) {
                // A quiet agent is no reason to end a follow: silence on this connection is expected. A caller that
                // went away is noticed at the next line written, or when the session ends.
                request.addIdleTimeoutListener(timeout -> false);
            }
        }

        @Override
        public void run() {
            OutputStream out = Content.Sink.asOutputStream(response);
            try (FileChannel live = open(log)) {
                long liveSize = live == null ? 0 : live.size();
                LastLines ofLive = live == null ? new LastLines(0, 0) : LastLines.of(live, liveSize, tail < 0 ? 0 : tail);
                long fromLive = tail < 0 ? 0 : ofLive.offset();
                if (tail < 0 || ofLive.found() < tail) {
                    copyRotated(out, tail < 0 ? -1 : tail - ofLive.found());
                }
                long position = live == null ? 0 : copy(live, fromLive, liveSize, out);
                if (follow) {
                    follow(live, position, out);
                }
                out.close();
                callback.succeeded();
            } catch (IOException | RuntimeException e) {
                callback.failed(e);
            }
        }

        private void copyRotated(OutputStream out, long lines) throws IOException {
            try (FileChannel rotated = open(AgentLogSettings.rotated(log))) {
                if (rotated == null) {
                    return;
                }
                long size = rotated.size();
                copy(rotated, lines < 0 ? 0 : LastLines.of(rotated, size, lines).offset(), size, out);
            }
        }

        /** Copies until the session ends or the caller goes; the file may be rotated (truncated) meanwhile. */
        private void follow(FileChannel opened, long position, OutputStream out) throws IOException {
            FileChannel live = opened;
            try {
                while (!gone.get()) {
                    if (live == null) {
                        live = open(log);
                    }
                    long size = live == null ? 0 : live.size();
                    if (size < position) {
                        position = 0; // rotated: the agent writes from the start again
                    }
                    if (size > position) {
                        position = copy(live, position, size, out);
                        continue;
                    }
                    if (ended()) {
                        if (live != null && live.size() > position) {
                            copy(live, position, live.size(), out);
                        }
                        return;
                    }
                    try {
                        Thread.sleep(POLL);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            } finally {
                if (live != null && live != opened) {
                    live.close();
                }
            }
        }

        private boolean ended() {
            return sessions.find(s -> s.runtimeId().equals(session.runtimeId()) && s.sessionId().equals(session.sessionId())
                            && s.sandboxId().equals(session.sandboxId()))
                    .map(s -> s.endedAt().isPresent())
                    .orElse(true);
        }

        /** Copies {@code [from, to)}, a block written (and flushed to the caller) before the next is read. */
        private long copy(FileChannel channel, long from, long to, OutputStream out) throws IOException {
            long at = from;
            while (at < to) {
                block.clear().limit((int) Math.min(BLOCK, to - at));
                int n = channel.read(block, at);
                if (n <= 0) {
                    break;
                }
                out.write(block.array(), 0, n);
                out.flush();
                at += n;
            }
            return at;
        }
    }

    private static FileChannel open(Path file) throws IOException {
        try {
            return FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return null;
        }
    }
}
