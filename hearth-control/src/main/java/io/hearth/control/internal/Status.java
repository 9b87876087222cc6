package io.hearth.control.internal;

/** Status values of runtimes, versions and endpoints (docs/wire-contract.md §3). */
final class Status {
    static final String CREATING = "CREATING";
    static final String CREATE_FAILED = "CREATE_FAILED";
    static final String UPDATING = "UPDATING";
    static final String UPDATE_FAILED = "UPDATE_FAILED";
    static final String READY = "READY";
    static final String DELETING = "DELETING";

    private Status() {}

    /** The failure status for something that was being created (never served) or updated (still serves the old). */
    static String failed(boolean wasServing) {
        return wasServing ? UPDATE_FAILED : CREATE_FAILED;
    }
}
