package io.hearth.tests.hibernation;

import static org.assertj.core.api.Assertions.assertThat;

import io.hearth.server.HearthServer;
import io.hearth.server.ServerConfig;
import io.hearth.testing.Clients;
import io.hearth.testing.HearthExtension;
import io.hearth.testing.Leftovers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * A test's own server on a data dir of its own, which it may restart (the same data dir) with other settings; closing
 * it checks that nothing of its sandboxes runs and removes the data dir.
 */
final class OwnServer implements AutoCloseable {
    final Path data;
    private HearthServer server;
    private PersistAgent agent;

    private OwnServer(Path data) {
        this.data = data;
    }

    static OwnServer start(String prefix, UnaryOperator<ServerConfig> customize) throws IOException {
        var own = new OwnServer(Files.createTempDirectory(prefix));
        own.restart(customize);
        return own;
    }

    /** Stops the server if it runs, and starts it again on the same data dir. */
    void restart(UnaryOperator<ServerConfig> customize) {
        if (server != null) {
            server.close();
        }
        server = HearthServer.start(customize.apply(HearthExtension.testConfig(data)));
        agent = new PersistAgent(server.endpoint(), Clients.of(server.endpoint()), data);
    }

    HearthServer server() {
        return server;
    }

    PersistAgent agent() {
        return agent;
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
        assertThat(Leftovers.processesMentioning(data.toString())).as("nothing of the test's sandboxes runs").isEmpty();
        HearthExtension.deleteTree(data);
    }
}
