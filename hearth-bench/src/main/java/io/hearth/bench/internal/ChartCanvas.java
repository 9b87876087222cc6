package io.hearth.bench.internal;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import javax.imageio.ImageIO;

/** A white, antialiased Java2D canvas drawn headless and written as a PNG; and the colours the bench's charts share. */
public final class ChartCanvas {
    public static final Color TEXT = new Color(0x212121);
    public static final Color MUTED = new Color(0x757575);
    public static final Color GRID = new Color(0xe0e0e0);
    /** A missed target or a failed check. */
    public static final Color FAILED = new Color(0xc62828);

    private ChartCanvas() {}

    /** Draws a {@code width} × {@code height} picture with {@code draw} and writes it to {@code png}. */
    public static void write(int width, int height, Path png, Consumer<Graphics2D> draw) {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        var image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            draw.accept(g);
        } finally {
            g.dispose();
        }
        try {
            ImageIO.write(image, "png", png.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the chart to " + png + ": " + e.getMessage(), e);
        }
    }
}
