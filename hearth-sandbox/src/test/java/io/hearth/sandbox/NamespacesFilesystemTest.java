package io.hearth.sandbox;

import java.nio.file.Path;

class NamespacesFilesystemTest extends SandboxFilesystemContract {
    @Override
    String driverName() {
        return "namespaces";
    }

    @Override
    Path requiredBinary() {
        return Path.of("/usr/bin/bwrap");
    }
}
