package io.hearth.server.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Where the last lines of a file start, found by reading backwards a block at a time: only the blocks that hold
 * those lines are read, however large the file.
 *
 * @param offset where the first of them starts
 * @param found  how many lines that is (fewer than asked when the file is shorter)
 */
record LastLines(long offset, long found) {
    private static final int BLOCK = 8 * 1024;

    /** The start of the last {@code wanted} lines of the channel's first {@code size} bytes. */
    static LastLines of(FileChannel channel, long size, long wanted) throws IOException {
        if (wanted <= 0 || size == 0) {
            return new LastLines(size, 0);
        }
        var block = ByteBuffer.allocate(BLOCK);
        long newlines = 0;
        // A last line without its newline is a line too; a newline at the very end ends the last line.
        long end = size;
        boolean first = true;
        while (end > 0) {
            long start = Math.max(0, end - BLOCK);
            block.clear().limit((int) (end - start));
            for (long at = start; block.hasRemaining(); ) {
                int n = channel.read(block, at);
                if (n < 0) {
                    return new LastLines(0, newlines);
                }
                at += n;
            }
            for (int i = (int) (end - start) - 1; i >= 0; i--) {
                if (block.get(i) != '\n') {
                    continue;
                }
                if (first && start + i == size - 1) {
                    continue; // the newline that ends the last line
                }
                newlines++;
                if (newlines == wanted) {
                    return new LastLines(start + i + 1, wanted);
                }
            }
            first = false;
            end = start;
        }
        return new LastLines(0, newlines + 1);
    }
}
