package io.hearth.sandbox;

import java.nio.file.Path;
import java.util.Optional;

class GvisorDriverExecTest extends ExecContract {
    @Override
    String driverName() {
        return "gvisor";
    }

    @Override
    Optional<Path> requiredBinary() {
        return Optional.of(Path.of("/usr/bin/runsc"));
    }

    @Override
    String workingDirectory() {
        return "/app";
    }

    /** gVisor serves the host terminal runsc hands it under no name (see GvisorExec). */
    @Override
    boolean namesItsTerminal() {
        return false;
    }

    @Override
    boolean isolated() {
        return true;
    }
}
