package io.hearth.sandbox;

import java.nio.file.Path;

class GvisorFilesystemTest extends SandboxFilesystemContract {
    @Override
    String driverName() {
        return "gvisor";
    }

    @Override
    Path requiredBinary() {
        return Path.of("/usr/bin/runsc");
    }
}
