package io.hearth.sdk.internal;

import java.util.Iterator;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.stream.BaseStream;

/** What a handler returned, sorted: one value written as JSON, raw bytes, or items to stream as server-sent events. */
public sealed interface Answer {
    record Json(Object value) implements Answer {}

    record Bytes(byte[] bytes) implements Answer {}

    /** Items to stream; {@code close} releases what produced them (a Stream's resources, a subscription). */
    record Items(Iterator<?> items, AutoCloseable close) implements Answer {}

    static Answer of(Object result) throws Exception {
        if (result instanceof CompletionStage<?> stage) {
            try {
                return of(stage.toCompletableFuture().join());
            } catch (CompletionException e) {
                if (e.getCause() instanceof Exception cause) {
                    throw cause;
                }
                throw e;
            }
        }
        if (result instanceof BaseStream<?, ?> stream) {
            return new Items(stream.iterator(), stream);
        }
        if (result instanceof Iterator<?> iterator) {
            return new Items(iterator, () -> {});
        }
        if (result instanceof Flow.Publisher<?> publisher) {
            var items = new PublisherItems<>(publisher);
            return new Items(items, items);
        }
        if (result instanceof byte[] bytes) {
            return new Bytes(bytes);
        }
        return new Json(result);
    }
}
