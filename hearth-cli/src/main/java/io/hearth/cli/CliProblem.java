package io.hearth.cli;

/**
 * Something the user can put right (a busy port, an unwritable data dir, missing isolation): its message is the whole
 * story, "what was wrong (expected: what)", and is printed as one line, without a stack trace.
 */
final class CliProblem extends RuntimeException {
    CliProblem(String message) {
        super(message, null, false, false);
    }
}
