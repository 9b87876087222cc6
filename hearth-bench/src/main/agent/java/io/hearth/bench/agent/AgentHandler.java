package io.hearth.bench.agent;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * What the bench agent answers:
 * <ul>
 *   <li>{@code GET /ping}: {@code {"status":"Healthy","time_of_last_update":<start, unix s>}}</li>
 *   <li>{@code POST /invocations} with {@code Content-Type: application/octet-stream}: the body back, streamed as it
 *       arrives (never held whole), with the request's length when it has one</li>
 *   <li>{@code POST /invocations} whose JSON body asks for events ({@code {"events":30,"intervalMs":1000}}):
 *       that many SSE events that far apart. The body decides, not Accept: proxies may widen a caller's Accept
 *       to {@code application/json, text/event-stream}.</li>
 *   <li>any other {@code POST /invocations}: the JSON body back ({@code {}} when empty)</li>
 * </ul>
 * Non-blocking throughout: an idle SSE stream holds a connection and a scheduled task, no thread.
 */
final class AgentHandler extends Handler.Abstract.NonBlocking {
    private static final int MAX_JSON_BYTES = 1 << 20;
    private static final Pattern EVENTS = Pattern.compile("\"events\"\\s*:\\s*(\\d+)");
    private static final Pattern INTERVAL = Pattern.compile("\"intervalMs\"\\s*:\\s*(\\d+)");
    private static final byte[] EMPTY_OBJECT = "{}".getBytes(StandardCharsets.US_ASCII);

    private final Scheduler scheduler;
    private final byte[] ping;

    AgentHandler(Scheduler scheduler) {
        this.scheduler = scheduler;
        long started = System.currentTimeMillis() / 1000;
        this.ping = ("{\"status\":\"Healthy\",\"time_of_last_update\":" + started + "}").getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        String method = request.getMethod();
        if (method.equals("GET") && path.equals("/ping")) {
            json(response, ping, callback);
        } else if (method.equals("POST") && path.equals("/invocations")) {
            invocation(request, response, callback);
        } else {
            Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
        }
        return true;
    }

    private void invocation(Request request, Response response, Callback callback) {
        String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (type != null && type.startsWith("application/octet-stream")) {
            echo(request, response, callback);
            return;
        }
        Content.Source.asByteArrayAsync(request, MAX_JSON_BYTES).whenComplete((body, failure) -> {
            if (failure != null) {
                Response.writeError(request, response, callback, HttpStatus.BAD_REQUEST_400, failure.getMessage());
                return;
            }
            String text = new String(body, StandardCharsets.UTF_8);
            Matcher events = EVENTS.matcher(text);
            if (events.find()) {
                new EventStream(response, callback, scheduler, Integer.parseInt(events.group(1)), number(INTERVAL, text, 100)).start();
            } else {
                json(response, body.length == 0 ? EMPTY_OBJECT : body, callback);
            }
        });
    }

    private static void echo(Request request, Response response, Callback callback) {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/octet-stream");
        long length = request.getLength();
        if (length >= 0) {
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
        }
        Content.copy(request, response, callback);
    }

    private static void json(Response response, byte[] body, Callback callback) {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    private static int number(Pattern pattern, String text, int fallback) {
        Matcher m = pattern.matcher(text);
        return m.find() ? Integer.parseInt(m.group(1)) : fallback;
    }
}
