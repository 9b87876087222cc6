package io.hearth.router.internal;

import static java.util.Objects.requireNonNull;

import io.hearth.api.ApiException;
import io.hearth.api.AwsHeaders;
import io.hearth.deployment.Deployment;
import io.hearth.router.ResumableStreamSettings;
import io.hearth.session.Exchange;
import io.hearth.session.SessionKey;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * The numbered SSE answers in flight, by session and stream id, and the way back into one: a caller whose stream
 * dropped sends the same invocation (POST, or GET as EventSource does) with {@code Last-Event-ID} and gets what it
 * missed, then the rest (docs/data-plane.md, Resumable streams). A stream leaves once its caller got all of it, or
 * when it is abandoned.
 */
public final class ResumableStreams {
    /** On every numbered answer: the stream's id, so a caller that dropped before the first event can ask for {@code <id>.0}. */
    public static final String STREAM_ID = "X-Hearth-Stream-Id";

    private final ResumableStreamSettings settings;
    private final Supplier<Scheduler> scheduler;
    private final ConcurrentHashMap<Key, ResumableStream> streams = new ConcurrentHashMap<>();

    private record Key(SessionKey session, String stream) {}

    /** @param scheduler times the hold of streams whose caller dropped (asked for when the first one does) */
    public ResumableStreams(ResumableStreamSettings settings, Supplier<Scheduler> scheduler) {
        this.settings = requireNonNull(settings, "settings");
        this.scheduler = requireNonNull(scheduler, "scheduler");
    }

    /**
     * Whether a request asks to reattach to a stream rather than to invoke: POST or GET on an invocation URL with a
     * {@code Last-Event-ID}. With resumable streams off none does, and the header is the agent's business.
     */
    public boolean asked(Request request, List<String> path) {
        String method = request.getMethod();
        boolean invocations = (path.size() == 3 || path.size() == 4 && path.get(3).isEmpty())
                && path.get(0).equals("runtimes") && path.get(2).equals("invocations");
        return settings.on() && invocations && (method.equals("POST") || method.equals("GET"))
                && request.getHeaders().contains(LastEventId.HEADER);
    }

    /** Whether an agent's answer is numbered and held: a {@code text/event-stream}, with resumable streams on. */
    boolean numbers(HttpFields agentHeaders) {
        String type = agentHeaders.get(HttpHeader.CONTENT_TYPE);
        return settings.on() && type != null
                && type.strip().toLowerCase(Locale.ROOT).startsWith("text/event-stream");
    }

    /**
     * Takes over an agent's SSE answer whose head the caller's response already has: from now on the stream owns
     * the agent's body, the exchange and the caller's callback.
     */
    void relay(Exchange exchange, Content.Source agentBody, Consumer<Throwable> abortAgent, Response callerResponse,
            Callback callerCallback) {
        String id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        var key = new Key(exchange.sessionKey(), id);
        // The numbered body is longer than the agent's: its length no longer holds.
        callerResponse.getHeaders().remove(HttpHeader.CONTENT_LENGTH);
        callerResponse.getHeaders().put(STREAM_ID, id);
        String contentType = callerResponse.getHeaders().get(HttpHeader.CONTENT_TYPE);
        var agent = new ResumableStream.AgentSide(exchange.sessionId(), agentBody, abortAgent, exchange::close,
                exchange::abortedBy);
        var stream = new ResumableStream(id, agent, contentType, settings, scheduler.get(), () -> streams.remove(key));
        streams.put(key, stream);
        stream.start(callerResponse, callerCallback);
    }

    /**
     * A caller reattaching with its {@code Last-Event-ID} to a stream of its own session on {@code deployment}'s
     * endpoint; the session is named as for an invocation (an MCP caller's {@code Mcp-Session-Id} included).
     *
     * @throws ApiException.Validation for a missing session or a {@code Last-Event-ID} Hearth did not make
     * @throws ApiException.NotFound for a stream not held, or events no longer held
     */
    public void reattach(Deployment deployment, CallerInputs inputs, String owner, Request request, Response response,
            Callback callback) {
        LastEventId last = LastEventId.parse(request.getHeaders().get(LastEventId.HEADER));
        McpSession mcp = McpSession.of(request.getHeaders(), inputs, deployment);
        if (inputs.sessionIdGenerated() && !(mcp.issuedByHearth() && request.getHeaders().contains(AwsHeaders.MCP_SESSION_ID))) {
            CallerInputs.read(request, true); // refuses the missing session id as StopRuntimeSession does
        }
        var session = new SessionKey(deployment.runtimeId(), deployment.endpointName(), owner, mcp.sessionId());
        ResumableStream stream = streams.get(new Key(session, last.stream()));
        if (stream == null) {
            List<String> held = streams.keySet().stream().filter(k -> k.session().equals(session)).map(Key::stream).sorted().toList();
            throw ApiException.notFound("Stream " + last.stream() + " of session " + session.sessionId() + " is not held:"
                    + " it was delivered whole, no caller reattached within " + settings.hold().toSeconds()
                    + " s of its caller dropping, or it never existed"
                    + " (expected: one of the streams held for this session: " + (held.isEmpty() ? "none" : String.join(", ", held)) + ")");
        }
        response.getHeaders().put(AwsHeaders.SESSION_ID, session.sessionId());
        stream.attach(last.seq(), session.sessionId(), response, callback);
    }
}
