package io.hearth.sandbox;

import java.nio.file.Path;

class GvisorDriverTest extends IsolatingDriverContract {
    @Override
    String driverName() {
        return "gvisor";
    }

    @Override
    Path requiredBinary() {
        return Path.of("/usr/bin/runsc");
    }

    @Override
    boolean blocksUserNamespaces() {
        return false;
    }

    @Override
    long hostTaskLimit(int processes) {
        return 128 + 16L * processes;
    }

    @Override
    int coldStartRuns() {
        return 3;
    }
}
