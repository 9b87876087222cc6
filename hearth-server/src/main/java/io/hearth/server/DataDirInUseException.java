package io.hearth.server;

import java.nio.file.Path;

/** Another Hearth process holds the data dir: two servers on one data dir would reclaim each other's sandboxes. */
public final class DataDirInUseException extends IllegalStateException {
    public DataDirInUseException(Path dataDir, String holder) {
        super("data dir " + dataDir + " is in use by another Hearth (" + holder
                + ") (expected: one server per data dir; stop the other, or pass --data-dir DIR)");
    }
}
