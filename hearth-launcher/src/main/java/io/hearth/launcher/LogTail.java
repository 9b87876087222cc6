package io.hearth.launcher;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** The last lines of an agent's log, for error messages that must say why an agent did not start. */
public final class LogTail {
    private static final int MAX_BYTES = 600;

    private LogTail() {}

    /** "; agent log (path) ends with: ..." or an empty string when the log is empty or unreadable. */
    public static String of(Path log) {
        try (var file = new RandomAccessFile(log.toFile(), "r")) {
            long length = file.length();
            if (length == 0) {
                return "; the agent wrote nothing to its log " + log;
            }
            int size = (int) Math.min(length, MAX_BYTES);
            byte[] tail = new byte[size];
            file.seek(length - size);
            file.readFully(tail);
            String text = new String(tail, StandardCharsets.UTF_8).strip().replaceAll("\\s*\\n\\s*", " | ");
            return "; agent log " + log + " ends with: " + text;
        } catch (IOException e) {
            return "";
        }
    }
}
