package io.hearth.bench.internal;

import io.hearth.bench.BenchReport;
import io.hearth.bench.Row;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/** The results as JSON: every row with its raw numbers, plus each section's details, for tooling and history. */
public final class JsonReport {
    private JsonReport() {}

    public static String of(BenchReport report) {
        var root = new LinkedHashMap<String, Object>();
        root.put("date", report.date().toString());
        root.put("mode", report.mode());
        root.put("machine", report.machine());
        root.put("seconds", Math.round(report.seconds() * 10) / 10.0);
        var rows = new ArrayList<Map<String, Object>>();
        for (Row row : report.rows()) {
            var map = new LinkedHashMap<String, Object>();
            map.put("section", row.section());
            map.put("measurement", row.measurement());
            map.put("unit", row.unit().symbol());
            map.put("baselineName", row.baselineName());
            map.put("baseline", row.baseline().isPresent() ? row.baseline().getAsDouble() : null);
            map.put("hearth", row.hearth().isPresent() ? row.hearth().getAsDouble() : null);
            map.put("ratio", Double.isNaN(row.ratio()) ? null : row.ratio());
            map.put("target", row.target().describe(row.unit()));
            map.put("verdict", row.verdict().name().toLowerCase());
            map.put("note", row.note());
            rows.add(map);
        }
        root.put("rows", rows);
        root.put("details", report.details());
        root.put("errors", report.errors());
        return Json.pretty(root) + "\n";
    }
}
