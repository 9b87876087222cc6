package io.hearth.cli.internal;

import java.util.ArrayList;
import java.util.List;

/** Rows printed for people: each column as wide as its widest cell, two spaces apart, the last one unpadded. */
public final class Table {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    public Table(String... header) {
        this.header = List.of(header);
    }

    public Table row(String... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException("row: " + cells.length + " cells (expected: " + header.size() + ")");
        }
        rows.add(List.of(cells));
        return this;
    }

    @Override
    public String toString() {
        int[] widths = new int[header.size()];
        for (List<String> row : rowsWithHeader()) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        var out = new StringBuilder();
        for (List<String> row : rowsWithHeader()) {
            var line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(i == row.size() - 1 ? row.get(i) : String.format("%-" + widths[i] + "s  ", row.get(i)));
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }

    private List<List<String>> rowsWithHeader() {
        var all = new ArrayList<List<String>>();
        all.add(header);
        all.addAll(rows);
        return all;
    }
}
