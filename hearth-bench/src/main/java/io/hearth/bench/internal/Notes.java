package io.hearth.bench.internal;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Joins the parts of a row's note that have something to say. */
final class Notes {
    private Notes() {}

    static String join(String... parts) {
        return Arrays.stream(parts).filter(p -> p != null && !p.isBlank()).collect(Collectors.joining("; "));
    }
}
