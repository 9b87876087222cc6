package io.hearth.sandbox;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;

/**
 * A program started by {@link Sandbox#exec} inside a sandbox. Its streams are read and written with blocking calls
 * (virtual threads). Closing it kills what is left of it inside the sandbox and releases every descriptor on the
 * host; a sandbox that ends kills its programs too.
 */
public interface SandboxProcess extends AutoCloseable {

    /** The program's stdin; closing it sends end-of-file. */
    OutputStream stdin();

    /** The program's stdout, or with a terminal everything it writes. */
    InputStream stdout();

    /** The program's stderr; with a terminal, an empty stream. */
    InputStream stderr();

    /** Completes with the exit code (128 + signal when a signal ended it) once the program has ended. */
    CompletableFuture<Integer> exit();

    /**
     * Tells the terminal its new size (the program gets SIGWINCH).
     *
     * @throws IllegalStateException when the program has no terminal
     */
    void resize(ExecSpec.TerminalSize size);

    /** Kills the program and everything it started inside the sandbox (SIGKILL); idempotent. */
    void kill();

    /** Kills the program if it still runs and releases its descriptors; idempotent. */
    @Override
    void close();
}
