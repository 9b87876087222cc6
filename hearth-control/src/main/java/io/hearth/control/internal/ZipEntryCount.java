package io.hearth.control.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The entry count a zip declares in its end-of-central-directory record (zip64 included), read before the central
 * directory itself is: a zip of millions of empty entries is refused before their records take the heap.
 */
final class ZipEntryCount {
    private static final int EOCD = 0x06054b50;
    private static final int ZIP64_LOCATOR = 0x07064b50;
    private static final int ZIP64_EOCD = 0x06064b50;
    private static final int EOCD_SIZE = 22;
    private static final int MAX_COMMENT = 0xFFFF;

    private ZipEntryCount() {}

    /** The declared count, or 0 when there is no such record (then it is no zip, which opening it will say). */
    static long of(Path zip) throws IOException {
        try (FileChannel channel = FileChannel.open(zip, StandardOpenOption.READ)) {
            long size = channel.size();
            int tail = (int) Math.min(size, EOCD_SIZE + MAX_COMMENT);
            ByteBuffer end = read(channel, size - tail, tail);
            for (int at = tail - EOCD_SIZE; at >= 0; at--) {
                if (end.getInt(at) != EOCD) {
                    continue;
                }
                long entries = Short.toUnsignedInt(end.getShort(at + 10));
                if (entries != 0xFFFF) {
                    return entries;
                }
                long locatorAt = size - tail + at - 20;
                if (locatorAt < 0) {
                    return entries;
                }
                ByteBuffer locator = read(channel, locatorAt, 20);
                if (locator.getInt(0) != ZIP64_LOCATOR) {
                    return entries;
                }
                long zip64At = locator.getLong(8);
                if (zip64At < 0 || zip64At + 56 > size) {
                    return Long.MAX_VALUE;
                }
                ByteBuffer zip64 = read(channel, zip64At, 56);
                return zip64.getInt(0) == ZIP64_EOCD ? zip64.getLong(32) : entries;
            }
            return 0;
        }
    }

    private static ByteBuffer read(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining() && channel.read(buffer, position + buffer.position()) > 0) {
            // reads until full or end of file
        }
        return buffer.flip().order(ByteOrder.LITTLE_ENDIAN);
    }
}
