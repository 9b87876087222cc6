package io.hearth.sandbox;

import java.nio.file.Path;

class NamespacesDriverTest extends IsolatingDriverContract {
    @Override
    String driverName() {
        return "namespaces";
    }

    @Override
    Path requiredBinary() {
        return Path.of("/usr/bin/bwrap");
    }

    @Override
    boolean blocksUserNamespaces() {
        return true;
    }

    @Override
    long hostTaskLimit(int processes) {
        return processes + 2;
    }

    @Override
    int coldStartRuns() {
        return 5;
    }
}
