package io.hearth.bench.soak;

import io.hearth.bench.internal.BenchAuth;
import io.hearth.server.AuthSettings;
import io.hearth.server.HearthServer;
import io.hearth.server.ServerConfig;
import java.nio.file.Path;

/**
 * Hearth as the soak runs it: its own JVM, configured and stopped as {@code ./hearth server --port 0 --data-dir DIR
 * --isolation I} would be (the same defaults, SIGTERM closes it through a shutdown hook). It lives in the bench's
 * class path so that the soak always runs the server built from the same sources as itself.
 *
 * <p>Arguments: {@code DATA_DIR ISOLATION}. Prints one line, {@code Hearth is listening on URI (isolation: I)}.
 */
public final class SoakServerMain {
    private SoakServerMain() {}

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 2) {
            throw new IllegalArgumentException("arguments: " + String.join(" ", args) + " (expected: DATA_DIR ISOLATION)");
        }
        var config = ServerConfig.defaults(Path.of(args[0])).withPort(0).withBind("127.0.0.1").withIsolation(args[1])
                .withQuotas(io.hearth.quota.QuotaSettings.UNLIMITED) // load beyond AgentCore's rates is the point
                // The soak's key, from HEARTH_ACCESS_KEY_ID / HEARTH_SECRET_ACCESS_KEY as the soak starts this process.
                .withAuth(AuthSettings.DEFAULT.withRootKey(BenchAuth.rootKey()));
        HearthServer server = HearthServer.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "hearth-shutdown"));
        System.out.println("Hearth is listening on " + server.endpoint() + " (isolation: " + server.isolation() + ")");
        System.out.flush();
        server.join();
    }
}
