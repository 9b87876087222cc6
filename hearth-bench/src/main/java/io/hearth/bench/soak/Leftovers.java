package io.hearth.bench.soak;

import io.hearth.bench.internal.HostProcesses;
import java.nio.file.Path;
import java.util.List;

/**
 * Processes that still refer to a Hearth data directory: in their command line (bubblewrap and runsc name the
 * sandbox's directories there), working directory (the process driver starts agents in their code directory) or
 * environment (every driver hands agents a workspace under it). After Hearth stopped, there must be none.
 */
final class Leftovers {
    private Leftovers() {}

    static List<String> referring(Path dataDir) {
        return HostProcesses.referring(dataDir, command -> true, true);
    }
}
