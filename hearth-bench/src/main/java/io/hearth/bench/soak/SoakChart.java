package io.hearth.bench.soak;

import io.hearth.bench.internal.ChartCanvas;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The series over time, one panel each: warm-up shaded, the panel's title red when its check failed. Drawn with
 * Java2D, headless, in the bench chart's colours.
 */
final class SoakChart {
    private static final int WIDTH = 1280;
    private static final int PANEL_HEIGHT = 230;
    private static final int TOP = 84;
    private static final int COLUMNS = 2;
    private static final Color LINE = new Color(0x1565c0);
    private static final Color FAILED = ChartCanvas.FAILED;
    private static final Color WARMUP = new Color(0xf1f1f1);
    private static final Color GRID = ChartCanvas.GRID;
    private static final Color TEXT = ChartCanvas.TEXT;
    private static final Color MUTED = ChartCanvas.MUTED;

    private record Panel(String title, String check, ToDoubleFunction<SoakSample> value) {}

    private static final List<Panel> PANELS = List.of(
            new Panel("open file descriptors", "open fds", s -> s.fds()),
            new Panel("threads", "threads", s -> s.threads()),
            new Panel("RSS (MiB)", "RSS", SoakSample::rssMib),
            new Panel("heap after full GC (MiB)", "heap after full GC", SoakSample::heapMib),
            new Panel("live sandboxes", "live sandboxes", s -> s.liveSandboxes()),
            new Panel("invokes/s", "invokes/s", SoakSample::invokesPerSecond));

    private SoakChart() {}

    static void write(SoakReport report, Path png) {
        int rows = (PANELS.size() + COLUMNS - 1) / COLUMNS;
        ChartCanvas.write(WIDTH, TOP + rows * PANEL_HEIGHT + 20, png, g -> draw(g, report));
    }

    private static void draw(Graphics2D g, SoakReport report) {
        g.setColor(report.passed() ? TEXT : FAILED);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        g.drawString("Hearth soak, " + report.date() + ": " + (report.passed() ? "flat, nothing leaked" : "NOT flat or leaked"), 16, 28);
        g.setColor(MUTED);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString(String.format(Locale.ROOT, "%.0f s, isolation %s, %d invokes/s; shaded: warm-up (not compared)",
                report.seconds(), report.isolation(), report.config().rate()), 16, 48);
        g.drawString(report.machine(), 16, 64);
        int panelWidth = WIDTH / COLUMNS;
        for (int i = 0; i < PANELS.size(); i++) {
            Panel panel = PANELS.get(i);
            boolean failed = report.checks().stream().anyMatch(c -> c.what().equals(panel.check()) && !c.passed());
            drawPanel(g, report, panel, failed, (i % COLUMNS) * panelWidth, TOP + (i / COLUMNS) * PANEL_HEIGHT, panelWidth);
        }
    }

    private static void drawPanel(Graphics2D g, SoakReport report, Panel panel, boolean failed, int x0, int y0, int width) {
        int left = x0 + 70;
        int right = x0 + width - 20;
        int top = y0 + 24;
        int bottom = y0 + PANEL_HEIGHT - 36;
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.setColor(failed ? FAILED : TEXT);
        g.drawString(panel.title() + (failed ? " (not flat)" : ""), left, y0 + 14);

        List<SoakSample> samples = report.samples();
        double maxSeconds = Math.max(1, report.seconds());
        double max = 0;
        for (SoakSample s : samples) {
            double v = panel.value().applyAsDouble(s);
            if (!Double.isNaN(v)) {
                max = Math.max(max, v);
            }
        }
        max = max <= 0 ? 1 : max * 1.15;
        int warmupX = left + (int) Math.round(report.config().warmup().toMillis() / 1e3 / maxSeconds * (right - left));
        g.setColor(WARMUP);
        g.fillRect(left, top, Math.max(0, Math.min(warmupX, right) - left), bottom - top);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int tick = 0; tick <= 4; tick++) {
            int y = bottom - (bottom - top) * tick / 4;
            g.setColor(GRID);
            g.drawLine(left, y, right, y);
            g.setColor(MUTED);
            String label = Flatness.number(Math.round(max * tick / 4));
            g.drawString(label, left - 6 - g.getFontMetrics().stringWidth(label), y + 4);
        }
        g.drawString("0 s", left, bottom + 16);
        String end = Flatness.number(Math.round(maxSeconds)) + " s";
        g.drawString(end, right - g.getFontMetrics().stringWidth(end), bottom + 16);

        g.setColor(LINE);
        g.setStroke(new BasicStroke(2f));
        int lastX = -1;
        int lastY = -1;
        for (SoakSample s : samples) {
            double v = panel.value().applyAsDouble(s);
            if (Double.isNaN(v) || v < 0) {
                lastX = -1;
                continue;
            }
            int x = left + (int) Math.round(s.seconds() / maxSeconds * (right - left));
            int y = bottom - (int) Math.round(v / max * (bottom - top));
            if (lastX >= 0) {
                g.drawLine(lastX, lastY, x, y);
            }
            g.fillOval(x - 2, y - 2, 5, 5);
            lastX = x;
            lastY = y;
        }
        g.setStroke(new BasicStroke(1f));
    }
}
