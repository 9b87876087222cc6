package io.hearth.control;

/**
 * Bounds on what one artifact may unpack to, checked while each byte is written, so that an archive which lies about
 * its sizes (a zip bomb) stops at the limit instead of filling the disk.
 *
 * @param maxTotalBytes  all files together
 * @param maxEntries     files, directories and links together
 * @param maxFileBytes   any one file
 * @param maxObjectBytes one object downloaded from S3 (the zip itself, or one file of a prefix)
 */
public record ExtractionLimits(long maxTotalBytes, int maxEntries, long maxFileBytes, long maxObjectBytes) {
    /** AgentCore's direct-code limits: 750 MB unzipped, 250 MB zipped; 100,000 entries. */
    public static final ExtractionLimits DEFAULT =
            new ExtractionLimits(750L * 1000 * 1000, 100_000, 750L * 1000 * 1000, 250L * 1000 * 1000);

    public ExtractionLimits {
        if (maxTotalBytes < 1) {
            throw new IllegalArgumentException("maxTotalBytes: " + maxTotalBytes + " (expected: positive)");
        }
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries: " + maxEntries + " (expected: positive)");
        }
        if (maxFileBytes < 1 || maxFileBytes > maxTotalBytes) {
            throw new IllegalArgumentException("maxFileBytes: " + maxFileBytes + " (expected: 1 to maxTotalBytes "
                    + maxTotalBytes + ")");
        }
        if (maxObjectBytes < 1) {
            throw new IllegalArgumentException("maxObjectBytes: " + maxObjectBytes + " (expected: positive)");
        }
    }
}
