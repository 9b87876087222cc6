package io.hearth.sdk.internal;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A {@link Flow.Publisher} read as a blocking iterator on the streaming thread: one item is requested at a time, the
 * next only once the previous one was written, so a slow caller slows the publisher instead of filling memory.
 */
final class PublisherItems<T> implements Iterator<T>, Flow.Subscriber<T>, AutoCloseable {
    private sealed interface Signal {}

    private record Item(Object value) implements Signal {}

    private record Failed(Throwable failure) implements Signal {}

    private record Done() implements Signal {}

    private final BlockingQueue<Signal> signals = new LinkedBlockingQueue<>();
    private volatile Flow.Subscription subscription;
    private Signal next;
    private boolean requested;

    PublisherItems(Flow.Publisher<T> publisher) {
        publisher.subscribe(this);
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
    }

    @Override
    public void onNext(T item) {
        signals.add(new Item(item));
    }

    @Override
    public void onError(Throwable failure) {
        signals.add(new Failed(failure));
    }

    @Override
    public void onComplete() {
        signals.add(new Done());
    }

    @Override
    public boolean hasNext() {
        if (next == null) {
            if (!requested) {
                requested = true;
                awaitSubscription().request(1);
            }
            try {
                next = signals.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the publisher's next item", e);
            }
            requested = false;
        }
        if (next instanceof Failed failed) {
            if (failed.failure() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new PublisherFailed(failed.failure());
        }
        return next instanceof Item;
    }

    @Override
    @SuppressWarnings("unchecked")
    public T next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the publisher completed");
        }
        var item = (Item) next;
        next = null;
        return (T) item.value();
    }

    @Override
    public void close() {
        var current = subscription;
        if (current != null) {
            current.cancel();
        }
    }

    private Flow.Subscription awaitSubscription() {
        // The Reactive Streams rules let a publisher call onSubscribe on another thread, after subscribe returned.
        for (int spins = 0; subscription == null; spins++) {
            if (!signals.isEmpty()) {
                break;
            }
            Thread.onSpinWait();
            if (spins > 1000) {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the publisher's subscription", e);
                }
            }
        }
        var current = subscription;
        return current != null ? current : new Flow.Subscription() {
            @Override
            public void request(long n) {}

            @Override
            public void cancel() {}
        };
    }

    /** A publisher's checked failure, carried to the stream's writer. */
    static final class PublisherFailed extends RuntimeException {
        PublisherFailed(Throwable cause) {
            super(cause.getMessage(), cause);
        }
    }
}
