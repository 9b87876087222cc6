package io.hearth.bench.internal;

import io.hearth.bench.BenchReport;
import io.hearth.bench.Row;
import io.hearth.bench.Verdict;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The results as a picture: one bar per row, Hearth / baseline on a log scale around 1×, coloured by whether the
 * target was met, with a tick where the target's edge lies. Drawn with Java2D, headless.
 */
public final class ChartRenderer {
    private static final int WIDTH = 1280;
    private static final int LABEL_WIDTH = 520;
    private static final int ROW_HEIGHT = 26;
    private static final int TOP = 86;
    private static final int BOTTOM = 56;
    private static final int RIGHT_MARGIN = 70;
    private static final Color MET = new Color(0x2e7d32);
    private static final Color MISSED = ChartCanvas.FAILED;
    private static final Color INFO = new Color(0x78909c);
    private static final Color GRID = ChartCanvas.GRID;
    private static final Color TEXT = ChartCanvas.TEXT;
    private static final Color MUTED = ChartCanvas.MUTED;

    private ChartRenderer() {}

    public static void write(BenchReport report, Path png) {
        int height = TOP + report.rows().size() * ROW_HEIGHT + BOTTOM;
        ChartCanvas.write(WIDTH, height, png, g -> draw(g, report));
    }

    private static void draw(Graphics2D g, BenchReport report) {
        g.setColor(TEXT);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        g.drawString("Hearth / baseline measured in the same run, " + report.date()
                + (report.mode().equals("smoke") ? " (smoke sizes)" : ""), 16, 28);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(MUTED);
        g.drawString(report.machineLine(), 16, 48);
        g.drawString("Bar: ratio on a log scale (1× = same as baseline). Tick: where the target's edge lies. "
                + "Green: target met. Red: missed. Grey: context, no target.", 16, 66);

        int plotLeft = LABEL_WIDTH + 10;
        int plotRight = WIDTH - RIGHT_MARGIN;
        double span = span(report.rows());
        int plotBottom = TOP + report.rows().size() * ROW_HEIGHT;

        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int power = (int) -span; power <= span; power++) {
            int x = x(Math.pow(2, power), span, plotLeft, plotRight);
            g.setColor(power == 0 ? MUTED : GRID);
            g.setStroke(new BasicStroke(power == 0 ? 1.5f : 1f));
            g.drawLine(x, TOP - 6, x, plotBottom);
            g.setColor(MUTED);
            String label = power >= 0 ? (1 << power) + "×" : "1/" + (1 << -power) + "×";
            g.drawString(label, x - g.getFontMetrics().stringWidth(label) / 2, plotBottom + 16);
        }
        g.drawString("Hearth / baseline (log scale)", plotLeft, plotBottom + 36);

        int y = TOP;
        for (Row row : report.rows()) {
            drawRow(g, row, y, span, plotLeft, plotRight);
            y += ROW_HEIGHT;
        }
    }

    private static void drawRow(Graphics2D g, Row row, int top, double span, int plotLeft, int plotRight) {
        int middle = top + ROW_HEIGHT / 2;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(TEXT);
        g.drawString(fit(g, row.section() + ": " + row.measurement(), LABEL_WIDTH - 16), 16, middle + 4);
        if (row.verdict() == Verdict.SKIPPED) {
            g.setColor(MUTED);
            g.setFont(new Font(Font.SANS_SERIF, Font.ITALIC, 12));
            g.drawString(fit(g, "skipped: " + row.note(), plotRight - plotLeft), plotLeft + 4, middle + 4);
            return;
        }
        double ratio = row.ratio();
        if (Double.isNaN(ratio) || ratio <= 0) {
            g.setColor(MUTED);
            g.drawString("no ratio (baseline 0)", plotLeft + 4, middle + 4);
            return;
        }
        int one = x(1, span, plotLeft, plotRight);
        int end = x(ratio, span, plotLeft, plotRight);
        g.setColor(switch (row.verdict()) {
            case MET -> MET;
            case MISSED -> MISSED;
            default -> INFO;
        });
        g.fillRect(Math.min(one, end), top + 6, Math.max(2, Math.abs(end - one)), ROW_HEIGHT - 12);

        double edge = row.target().edgeRatio(row.baseline().getAsDouble());
        if (!Double.isNaN(edge) && edge > 0) {
            int tick = x(edge, span, plotLeft, plotRight);
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(2.5f));
            g.drawLine(tick, top + 2, tick, top + ROW_HEIGHT - 2);
        }
        g.setColor(TEXT);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        String label = String.format(Locale.ROOT, "%.2f×", ratio);
        int labelX = end >= one ? end + 4 : end - 4 - g.getFontMetrics().stringWidth(label);
        if (labelX < plotLeft) {
            labelX = one + 4; // a bar that reaches the left edge: its label goes right of 1×
        }
        g.drawString(label, Math.min(labelX, plotRight + RIGHT_MARGIN - 40), middle + 4);
    }

    /** Powers of two either side of 1× that the bars and ticks need, between 2 and 6. */
    private static double span(List<Row> rows) {
        double most = 1;
        for (Row row : rows) {
            double ratio = row.ratio();
            if (!Double.isNaN(ratio) && ratio > 0) {
                most = Math.max(most, Math.abs(Math.log(ratio) / Math.log(2)));
                if (row.baseline().isPresent()) {
                    double edge = row.target().edgeRatio(row.baseline().getAsDouble());
                    if (!Double.isNaN(edge) && edge > 0) {
                        most = Math.max(most, Math.abs(Math.log(edge) / Math.log(2)));
                    }
                }
            }
        }
        return Math.max(2, Math.min(6, Math.ceil(most)));
    }

    private static int x(double ratio, double span, int left, int right) {
        double log = Math.max(-span, Math.min(span, Math.log(ratio) / Math.log(2)));
        return (int) Math.round(left + (log + span) / (2 * span) * (right - left));
    }

    private static String fit(Graphics2D g, String text, int width) {
        if (g.getFontMetrics().stringWidth(text) <= width) {
            return text;
        }
        String cut = text;
        while (cut.length() > 1 && g.getFontMetrics().stringWidth(cut + "…") > width) {
            cut = cut.substring(0, cut.length() - 1);
        }
        return cut + "…";
    }
}
