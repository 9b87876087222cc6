package io.hearth.bench.internal;

import io.hearth.bench.Row;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What one measurement produced: its table rows and the raw figures behind them, for the JSON file. */
public record SectionResult(List<Row> rows, Map<String, Object> details) {
    public SectionResult {
        rows = List.copyOf(rows);
        // Insertion order kept, so the JSON file reads in the order the figures were taken.
        details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("rows: empty (expected: at least one row, skipped rows included)");
        }
    }
}
