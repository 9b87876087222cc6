package io.hearth.cli;

import io.hearth.sandbox.IsolationUnavailableException;
import io.hearth.server.DataDirInUseException;
import io.hearth.server.HearthServer;
import io.hearth.server.ServerConfig;
import io.hearth.server.UnauthenticatedRemoteException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Starts the server the options describe; what a user can fix comes back as a one-line {@link CliProblem}. */
final class ServerStart {
    private ServerStart() {}

    static HearthServer start(ServerOptions options) {
        ServerConfig config;
        try {
            config = options.toConfig();
        } catch (IllegalArgumentException e) {
            throw new CliProblem(e.getMessage());
        }
        requireWritable(config.dataDir());
        // Checked before the server opens the data dir: a second server on a busy port must not reclaim the
        // sandboxes of the first.
        requireFree(config.bind(), config.port());
        try {
            return HearthServer.start(config);
        } catch (DataDirInUseException | UnauthenticatedRemoteException e) {
            throw new CliProblem(e.getMessage());
        } catch (IsolationUnavailableException e) {
            throw new CliProblem(e.getMessage().contains("(expected:") ? e.getMessage() : e.getMessage()
                    + " (expected: install what it needs with sudo ./hearth setup and run Hearth as root, or pass"
                    + " --isolation process to run agents WITHOUT isolation)");
        } catch (UncheckedIOException e) {
            if (causedBy(e, BindException.class)) {
                throw portInUse(config.bind(), config.port());
            }
            throw e;
        }
    }

    static void requireWritable(Path dir) {
        String expected = " (expected: a directory user " + System.getProperty("user.name")
                + " can write; pass --data-dir DIR or set HEARTH_DATA_DIR)";
        try {
            Files.createDirectories(dir);
        } catch (FileAlreadyExistsException e) {
            throw new CliProblem("data dir " + dir + " is a file, not a directory" + expected);
        } catch (AccessDeniedException e) {
            throw new CliProblem("data dir " + dir + ": permission denied for " + e.getFile() + expected);
        } catch (FileSystemException e) {
            throw new CliProblem("data dir " + dir + ": " + (e.getReason() != null ? e.getReason() : e.getMessage()) + expected);
        } catch (IOException e) {
            throw new CliProblem("data dir " + dir + ": " + e.getMessage() + expected);
        }
        if (!Files.isWritable(dir)) {
            throw new CliProblem("data dir " + dir + " is not writable" + expected);
        }
    }

    static void requireFree(String bind, int port) {
        var address = new InetSocketAddress(bind, port);
        if (address.isUnresolved()) {
            throw new CliProblem("--bind " + bind + " is not an address of this host (expected: for example 127.0.0.1 or 0.0.0.0)");
        }
        if (port == 0) {
            return;
        }
        try (var probe = new ServerSocket()) {
            probe.setReuseAddress(true); // as Jetty binds: a port in TIME_WAIT is free
            probe.bind(address);
        } catch (BindException e) {
            if (String.valueOf(e.getMessage()).contains("in use")) {
                throw portInUse(bind, port);
            }
            throw new CliProblem("cannot listen on " + bind + ":" + port + ": " + e.getMessage()
                    + " (expected: an address of this host, for example 127.0.0.1 or 0.0.0.0, and a port this user may open)");
        } catch (IOException e) {
            throw new CliProblem("cannot listen on " + bind + ":" + port + ": " + e.getMessage()
                    + " (expected: an address of this host and a port this user may open)");
        }
    }

    private static CliProblem portInUse(String bind, int port) {
        return new CliProblem("port " + port + " on " + bind + " is already in use, perhaps by another Hearth"
                + " (expected: a free port; pass --port N, or --port 0 for any free one)");
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
