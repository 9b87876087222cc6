package io.hearth.quota;

/**
 * One unit of a counted limit (a live session, a live sandbox, a cold start). Closing it gives the unit back;
 * closing it again does nothing, so every way out may close it.
 */
public interface Lease extends AutoCloseable {
    /** A lease that holds nothing. */
    Lease NONE = () -> {};

    @Override
    void close();
}
