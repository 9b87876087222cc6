package io.hearth.cli;

import io.hearth.cli.internal.HearthClient;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Where the server is and what to sign with: the options every command that calls a running server takes. */
final class ConnectionOptions {
    @Option(names = "--endpoint", paramLabel = "URL",
            description = "The Hearth server. Default: $HEARTH_ENDPOINT, else http://127.0.0.1:8080.")
    String endpoint;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Where the server's credentials file is, when HEARTH_ACCESS_KEY_ID/HEARTH_SECRET_ACCESS_KEY are unset."
                    + " Default: $HEARTH_DATA_DIR or ~/.hearth.")
    Path dataDir;

    HearthClient client() {
        Optional<URI> given = Optional.empty();
        if (endpoint != null) {
            URI uri;
            try {
                uri = URI.create(endpoint);
            } catch (IllegalArgumentException e) {
                uri = null;
            }
            if (uri == null || uri.getHost() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
                throw new CliProblem("--endpoint: " + endpoint + " (expected: an http or https URL such as http://127.0.0.1:8080)");
            }
            given = Optional.of(uri);
        }
        try {
            return HearthClient.of(given, dataDir != null ? dataDir : ServerOptions.defaultDataDir());
        } catch (IllegalArgumentException e) {
            throw new CliProblem(e.getMessage());
        }
    }
}
