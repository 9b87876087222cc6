package io.hearth.cli;

import io.hearth.server.HearthServer;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "server", mixinStandardHelpOptions = true, description = "Run a Hearth server in the foreground.")
final class ServerCommand implements Callable<Integer> {
    @Mixin
    ServerOptions options;

    @Override
    public Integer call() throws Exception {
        HearthServer server = ServerStart.start(options);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "hearth-shutdown"));
        System.out.println("Hearth is listening on " + server.endpoint() + " (isolation: " + server.isolation() + ")");
        server.join();
        return 0;
    }
}
