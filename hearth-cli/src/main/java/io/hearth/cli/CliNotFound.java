package io.hearth.cli;

/** What the user named does not exist (a runtime, a session): exit code 3, and a one-line message. */
final class CliNotFound extends RuntimeException {
    CliNotFound(String message) {
        super(message, null, false, false);
    }
}
