package io.hearth.http;

import io.hearth.api.ApiException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Answers a request with an AWS error while its body may still be arriving. The error is written first, so a
 * client that reads while it sends sees it at once; then the rest of the body is read and dropped, up to a bound,
 * so a client that sends its whole body before it reads is not cut off mid-body (a reset would lose the answer).
 * A body known to be past the bound, or one the client holds back for {@code Expect: 100-continue}, is not
 * waited for: the answer says {@code Connection: close} and the connection ends after it.
 */
public final class Refusals {
    /** How long a refused body may stall before the connection is given up. */
    private static final long DRAIN_IDLE_MILLIS = 30_000;

    private Refusals() {}

    /**
     * Answers, then reads the rest of the body; the connection stays usable.
     *
     * @param maxDrainBytes the most body bytes read and dropped after the answer; beyond, the connection is cut
     */
    public static void refuse(Request request, Response response, ApiException error, Callback callback, long maxDrainBytes) {
        refuse(request, response, error, callback, maxDrainBytes, false);
    }

    /**
     * Answers with {@code Connection: close} and ends the response side of the connection at once, so even a
     * client that sent only its headers sees the answer end; the body it may still send is read and dropped (up
     * to the bound) before the connection closes, so one that sends it whole first is not reset mid-body.
     */
    public static void refuseAndClose(Request request, Response response, ApiException error, Callback callback,
            long maxDrainBytes) {
        refuse(request, response, error, callback, maxDrainBytes, true);
    }

    private static void refuse(Request request, Response response, ApiException error, Callback callback,
            long maxDrainBytes, boolean close) {
        if (response.isCommitted()) {
            callback.failed(error);
            return;
        }
        long declared = request.getLength();
        boolean awaitsGoAhead = request.getHeaders().contains(HttpHeader.EXPECT, HttpHeaderValue.CONTINUE.asString());
        if (declared == 0) {
            Replies.error(response, error, callback);
            return;
        }
        if (close || declared > maxDrainBytes || awaitsGoAhead) {
            response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        }
        if (declared > maxDrainBytes || awaitsGoAhead) {
            Replies.error(response, error, callback);
            return;
        }
        Replies.error(response, error, Callback.from(() -> {
            if (close) {
                EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
                endPoint.shutdownOutput();
                endPoint.setIdleTimeout(Math.min(endPoint.getIdleTimeout(), DRAIN_IDLE_MILLIS));
            }
            new Drain(request, maxDrainBytes, callback).run();
        }, callback::failed));
    }

    /** Reads the body to its end without keeping it; past the budget it gives up and the connection is cut. */
    private static final class Drain implements Runnable {
        private final Content.Source body;
        private final Callback done;
        private long budget;

        Drain(Content.Source body, long budget, Callback done) {
            this.body = body;
            this.budget = budget;
            this.done = done;
        }

        @Override
        public void run() {
            while (true) {
                Content.Chunk chunk = body.read();
                if (chunk == null) {
                    body.demand(this);
                    return;
                }
                if (Content.Chunk.isFailure(chunk)) {
                    done.failed(chunk.getFailure());
                    return;
                }
                budget -= chunk.remaining();
                boolean last = chunk.isLast();
                chunk.release();
                if (last) {
                    done.succeeded();
                    return;
                }
                if (budget < 0) {
                    done.failed(new IllegalStateException("request body: more unread bytes than the "
                            + "refusal reads (expected: a body this server refused to end sooner)"));
                    return;
                }
            }
        }
    }
}
