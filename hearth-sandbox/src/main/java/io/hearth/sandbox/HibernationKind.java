package io.hearth.sandbox;

/** What a hibernated sandbox kept. */
public enum HibernationKind {
    /** Its memory and files: the agent resumes where it was, mid-thought. */
    MEMORY,
    /** Its files only (the writable layer, workspace, /tmp): the agent starts again on them, and is told so. */
    FILESYSTEM;

    /** As the sessions API and the agent's {@code HEARTH_RESUMED} variable name it. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
