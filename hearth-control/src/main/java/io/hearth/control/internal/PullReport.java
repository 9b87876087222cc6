package io.hearth.control.internal;

import io.hearth.image.ImageReference;
import io.hearth.image.PullPhase;
import io.hearth.image.PullProgress;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Turns a pull's progress into the line a CREATING version shows in {@code failureReason}
 * ({@code pulling <uri>: downloading 2 of 5 layers, 12.4 of 40.0 MiB}), told at most once a second except for phase
 * changes, so a large pull does not write to the store for every chunk.
 */
final class PullReport implements PullProgress {
    private static final long INTERVAL_NANOS = 1_000_000_000L;

    private final String uri;
    private final Consumer<String> tell;
    private final Map<String, long[]> layers = new LinkedHashMap<>();
    private long lastTold = System.nanoTime() - INTERVAL_NANOS;

    PullReport(String uri, Consumer<String> tell) {
        this.uri = uri;
        this.tell = tell;
    }

    @Override
    public synchronized void phase(ImageReference reference, PullPhase phase) {
        switch (phase) {
            case RESOLVING -> tell("resolving the manifest");
            case DOWNLOADING -> tell("downloading layers");
            case UNPACKING -> tell("unpacking " + layers.size() + " layers");
            case DONE -> { }
        }
    }

    @Override
    public synchronized void layer(String layer, long done, long total) {
        layers.put(layer, new long[] {done, total});
        long now = System.nanoTime();
        if (now - lastTold < INTERVAL_NANOS) {
            return;
        }
        long doneBytes = 0;
        long totalBytes = 0;
        int complete = 0;
        for (long[] counts : layers.values()) {
            doneBytes += counts[0];
            totalBytes += counts[1];
            complete += counts[0] >= counts[1] ? 1 : 0;
        }
        tell("downloading, " + complete + " of " + layers.size() + " layers seen so far complete, "
                + mebibytes(doneBytes) + " of " + mebibytes(totalBytes) + " MiB");
    }

    private void tell(String what) {
        lastTold = System.nanoTime();
        tell.accept("pulling " + uri + ": " + what);
    }

    private static String mebibytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / 1_048_576.0);
    }
}
