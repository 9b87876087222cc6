package io.hearth.store;

/** The database failed (disk full, corrupt file, a bug in a statement): never a caller's mistake. */
public final class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
