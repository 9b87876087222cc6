package io.hearth.server.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Counts every {@code InvokeAgentRuntime} as it arrives ({@code hearth_invocations_total}), and times it from its
 * arrival to its last byte, by outcome: {@code hearth_invocation_seconds} with its count and the 50th, 90th and 99th
 * percentiles of the last minute. The console charts both. Adds a counter and a wrapped callback to the data plane's
 * path, which stays non-blocking.
 */
public final class InvocationMeters extends Handler.Wrapper {
    private static final double[] PERCENTILES = {0.5, 0.9, 0.99};

    private final Counter arrived;
    private final Timer ok;
    private final Timer failed;

    public InvocationMeters(Handler dataPlane, MeterRegistry meters) {
        super(dataPlane);
        // Counted on arrival, beside the session starts it may cause, so the two compare over the same interval.
        this.arrived = Counter.builder("hearth.invocations").description("InvokeAgentRuntime requests, as they arrive")
                .register(meters);
        this.ok = timer(meters, "ok");
        this.failed = timer(meters, "error");
    }

    private static Timer timer(MeterRegistry meters, String outcome) {
        return Timer.builder("hearth.invocation").description("InvokeAgentRuntime from arrival to the answer's last byte")
                .tag("outcome", outcome).publishPercentiles(PERCENTILES).distributionStatisticExpiry(Duration.ofMinutes(1))
                .distributionStatisticBufferLength(3).register(meters);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (!isInvocation(request)) {
            return super.handle(request, response, callback);
        }
        long started = System.nanoTime();
        arrived.increment();
        return super.handle(request, response, new Callback.Nested(callback) {
            @Override
            public void succeeded() {
                (response.getStatus() < 400 ? ok : failed).record(Duration.ofNanos(System.nanoTime() - started));
                super.succeeded();
            }

            @Override
            public void failed(Throwable cause) {
                failed.record(Duration.ofNanos(System.nanoTime() - started));
                super.failed(cause);
            }
        });
    }

    /** {@code POST /runtimes/{arn}/invocations}, as the edge names the data plane's operations. */
    private static boolean isInvocation(Request request) {
        if (!request.getMethod().equals("POST")) {
            return false;
        }
        String path = request.getHttpURI().getPath();
        if (path == null || !path.startsWith("/runtimes/")) {
            return false;
        }
        List<String> segments = List.of(path.substring(1).split("/", -1));
        return segments.size() == 3 && segments.get(2).equals("invocations");
    }
}
