package io.hearth.router.internal;

import io.hearth.api.Workers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SelectableChannelEndPoint;
import org.eclipse.jetty.server.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices a caller that closed its connection while its request is answered by a long, possibly silent stream.
 * The server reads nothing more from such a connection until the answer ends (the request was read whole and
 * AWS clients do not pipeline), so the first thing that makes it readable is the caller's close: then the watcher
 * runs what it was given, once. A second selector watches the same sockets the server's own selectors serve; it
 * never reads from them.
 */
public final class CallerWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CallerWatch.class);

    private final Selector selector;
    private final Workers loop = Workers.bounded("hearth-command-callers", 1, 0);
    private final ConcurrentLinkedQueue<Watch> added = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    public CallerWatch() {
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector to watch callers: " + e.getMessage(), e);
        }
        loop.execute(this::run);
    }

    /** One caller being watched; closing it stops the watch (the answer ended first). */
    public static final class Watch implements AutoCloseable {
        private final SelectableChannel channel;
        private final Runnable gone;
        private volatile SelectionKey key;
        private volatile boolean done;

        private Watch(SelectableChannel channel, Runnable gone) {
            this.channel = channel;
            this.gone = gone;
        }

        @Override
        public void close() {
            done = true;
            SelectionKey registered = key;
            if (registered != null) {
                registered.cancel();
            }
        }
    }

    /**
     * Runs {@code gone} once if the caller of {@code request} closes its connection before the watch is closed. Empty
     * when the connection is not a socket this can watch.
     */
    public Optional<Watch> watch(Request request, Runnable gone) {
        EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
        if (closed || !(endPoint instanceof SelectableChannelEndPoint socket)) {
            return Optional.empty();
        }
        var watch = new Watch(socket.getChannel(), gone);
        added.add(watch);
        selector.wakeup();
        return Optional.of(watch);
    }

    private void run() {
        while (!closed) {
            try {
                selector.select(Duration.ofSeconds(1).toMillis());
                for (int waiting = added.size(); waiting > 0; waiting--) {
                    register(added.poll());
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    key.cancel();
                    Watch watch = (Watch) key.attachment();
                    if (!watch.done) {
                        watch.done = true;
                        watch.gone.run();
                    }
                }
                selector.selectedKeys().clear();
            } catch (IOException | RuntimeException e) {
                LOG.warn("watching callers failed; going on", e);
            }
        }
    }

    private void register(Watch watch) {
        if (watch.done) {
            return;
        }
        try {
            watch.key = watch.channel.register(selector, SelectionKey.OP_READ, watch);
            if (watch.done) {
                watch.key.cancel(); // closed while it was being registered
            }
        } catch (CancelledKeyException e) {
            added.add(watch); // the previous answer's key on this connection leaves at the next select
        } catch (ClosedChannelException e) {
            watch.done = true;
            watch.gone.run(); // the connection is already gone
        }
    }

    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        loop.close(Duration.ofSeconds(1));
        try {
            selector.close();
        } catch (IOException e) {
            LOG.debug("closing the callers' selector", e);
        }
    }
}
