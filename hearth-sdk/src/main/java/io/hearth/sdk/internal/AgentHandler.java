package io.hearth.sdk.internal;

import io.hearth.sdk.InvocationException;
import io.hearth.sdk.RequestContext;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The container contract: {@code GET /ping} and {@code POST /invocations}; every other request is a 404 shaped as the
 * TypeScript SDK's server shapes it. Runs each request on its own virtual thread, so handlers may block.
 */
public final class AgentHandler extends Handler.Abstract {
    /** AgentCore's own limit on an invocation's payload. */
    public static final int MAX_BODY_BYTES = 100_000_000;
    static final String MISSING_SESSION = "Missing sessionId. Provide via x-amzn-bedrock-agentcore-runtime-session-id header or request body.";
    private static final System.Logger LOG = System.getLogger("io.hearth.sdk");

    private final Entry entry;
    private final Health health;
    private final ContextReader contexts;
    private final ObjectMapper json;
    private final SseFrames frames;
    private final Scheduler scheduler;
    private final Executor executor;
    private final Duration heartbeat;

    public AgentHandler(Entry entry, Health health, ContextReader contexts, ObjectMapper json, Scheduler scheduler,
            Executor executor, Duration heartbeat) {
        super(InvocationType.BLOCKING);
        this.entry = entry;
        this.health = health;
        this.contexts = contexts;
        this.json = json;
        this.frames = new SseFrames(json);
        this.scheduler = scheduler;
        this.executor = executor;
        this.heartbeat = heartbeat;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        try {
            String path = Request.getPathInContext(request);
            String method = request.getMethod();
            if (path.equals("/ping") && (HttpMethod.GET.is(method) || HttpMethod.HEAD.is(method))) {
                ping(response);
            } else if (path.equals("/invocations") && HttpMethod.POST.is(method)) {
                invoke(request, response);
            } else {
                notFound(request, response);
            }
            callback.succeeded();
        } catch (Throwable failure) {
            callback.failed(failure);
        }
        return true;
    }

    private void ping(Response response) throws IOException {
        Health.Ping ping = health.ping();
        var body = new LinkedHashMap<String, Object>();
        body.put("status", ping.status().wire());
        body.put("time_of_last_update", ping.timeOfLastUpdate());
        Replies.whole(response, 200, Replies.JSON, json.writeValueAsBytes(body));
    }

    private void notFound(Request request, Response response) throws IOException {
        String query = request.getHttpURI().getQuery();
        String url = Request.getPathInContext(request) + (query == null ? "" : "?" + query);
        var body = new LinkedHashMap<String, Object>();
        body.put("message", "Route " + request.getMethod() + ":" + url + " not found");
        body.put("error", "Not Found");
        body.put("statusCode", 404);
        Replies.whole(response, 404, Replies.JSON, json.writeValueAsBytes(body));
    }

    private void invoke(Request request, Response response) throws IOException {
        byte[] body;
        try (InputStream in = Content.Source.asInputStream(request)) {
            body = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (body.length > MAX_BODY_BYTES) {
            error(response, 413, "Request body is too large (expected: at most " + MAX_BODY_BYTES + " bytes)");
            return;
        }
        String sessionId = ContextReader.present(request.getHeaders().get(ContextReader.SESSION_ID))
                .orElseGet(() -> sessionIdInBody(body));
        if (sessionId.isEmpty()) {
            error(response, 400, MISSING_SESSION);
            return;
        }
        RequestContext context = contexts.read(request.getHeaders(), sessionId);
        Answer answer;
        try {
            answer = Answer.of(entry.invoke(body, context));
        } catch (BadPayload e) {
            var reply = new LinkedHashMap<String, Object>();
            reply.put("error", "Invalid request body format");
            reply.put("details", List.of(Map.of("message", e.getMessage())));
            Replies.whole(response, 400, Replies.JSON, json.writeValueAsBytes(reply));
            return;
        } catch (InvocationException e) {
            error(response, e.status(), ErrorBody.messageOf(e));
            return;
        } catch (Exception e) {
            LOG.log(Level.ERROR, "invocation " + context.requestId() + " failed", e);
            error(response, 500, ErrorBody.messageOf(e));
            return;
        }
        switch (answer) {
            case Answer.Json value -> Replies.whole(response, 200, Replies.JSON, json.writeValueAsBytes(value.value()));
            case Answer.Bytes bytes -> Replies.whole(response, 200, "application/octet-stream", bytes.bytes());
            case Answer.Items items -> stream(response, items, context);
        }
    }

    private void stream(Response response, Answer.Items items, RequestContext context) throws IOException {
        var stream = new SseStream(response, scheduler, executor, heartbeat.toMillis());
        try {
            try {
                while (items.items().hasNext()) {
                    stream.send(frames.item(items.items().next()));
                }
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "stream of invocation " + context.requestId() + " failed", e);
                Throwable cause = e instanceof PublisherItems.PublisherFailed ? e.getCause() : e;
                stream.send(frames.error(ErrorBody.messageOf(cause)));
            }
            stream.end();
        } finally {
            stream.abandon();
            closeQuietly(items.close(), context);
        }
    }

    private static void closeQuietly(AutoCloseable resource, RequestContext context) {
        try {
            resource.close();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "closing the stream of invocation " + context.requestId() + " failed", e);
        }
    }

    private void error(Response response, int status, String message) throws IOException {
        Replies.whole(response, status, Replies.JSON, json.writeValueAsBytes(ErrorBody.of(message)));
    }

    private String sessionIdInBody(byte[] body) {
        try {
            JsonNode tree = PayloadBinder.tree(json, body);
            JsonNode id = tree.get("sessionId");
            return id != null && id.isString() ? id.asString() : "";
        } catch (BadPayload e) {
            return "";
        }
    }
}
