package io.hearth.cli;

import io.hearth.cli.internal.HearthClient;
import io.hearth.cli.internal.SseText;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hearth invoke RUNTIME [PAYLOAD]}: InvokeAgentRuntime, its answer printed as it arrives. */
@Command(name = "invoke", mixinStandardHelpOptions = true,
        description = {"Invoke an agent runtime (InvokeAgentRuntime) and print its answer as it arrives.",
                "The payload is PAYLOAD, or the file given with --file, or standard input with - or when it is piped.",
                "A streamed answer (text/event-stream) prints the text of each event the moment it arrives; any other answer"
                        + " is printed as the agent wrote it.",
                "Exit codes: 0 ok, 1 the server or agent refused or could not be reached, 2 bad usage, 3 no such runtime."})
final class InvokeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Parameters(index = "0", paramLabel = "RUNTIME", description = "The runtime's id, ARN or name.")
    String runtime;

    @Parameters(index = "1", arity = "0..1", paramLabel = "PAYLOAD", description = "The request body, or - for standard input.")
    String payload;

    @Option(names = "--file", paramLabel = "FILE", description = "Read the request body from FILE.")
    Path file;

    @Option(names = "--session", paramLabel = "ID",
            description = "The session (33 to 256 characters). Default: a new one, printed on stderr to reuse.")
    String session;

    @Option(names = "--qualifier", defaultValue = "DEFAULT", description = "The endpoint. Default: ${DEFAULT-VALUE}.")
    String qualifier;

    @Option(names = "--content-type", defaultValue = "application/json", description = "The body's type. Default: ${DEFAULT-VALUE}.")
    String contentType;

    @Override
    public Integer call() throws IOException {
        byte[] body = body();
        if (session != null && (session.length() < 33 || session.length() > 256)) {
            throw new ParameterException(spec.commandLine(), "--session: " + session.length()
                    + " characters (expected: 33 to 256)");
        }
        HearthClient client = connection.client();
        RuntimeRef ref = RuntimeRef.resolve(client, runtime);
        String sessionId = session != null ? session : "hearth-cli-" + UUID.randomUUID();
        if (session == null) {
            System.err.println("session: " + sessionId);
        }
        HttpResponse<InputStream> answer = client.invoke(ref.id(), ref.accountId(), qualifier, sessionId, body, contentType);
        boolean sse = answer.headers().firstValue("Content-Type").orElse("").toLowerCase().startsWith("text/event-stream");
        try (InputStream in = answer.body()) {
            if (sse) {
                new SseText(System.out).copy(in);
            } else {
                byte[] chunk = new byte[16 * 1024];
                for (int n; (n = in.read(chunk)) >= 0; ) {
                    System.out.write(chunk, 0, n);
                    System.out.flush();
                }
            }
        } catch (IOException e) {
            throw new CliProblem("the answer broke off: " + e.getMessage() + " (expected: the agent's whole answer)");
        }
        return 0;
    }

    private byte[] body() {
        if (file != null && payload != null) {
            throw new ParameterException(spec.commandLine(), "PAYLOAD " + payload + " with --file " + file
                    + " (expected: one of them)");
        }
        if (file != null) {
            try {
                return Files.readAllBytes(file);
            } catch (IOException e) {
                throw new CliProblem("--file " + file + ": cannot read it: " + e.getMessage() + " (expected: a readable file)");
            }
        }
        if (payload != null && !payload.equals("-")) {
            return payload.getBytes(StandardCharsets.UTF_8);
        }
        boolean terminal = System.console() != null && System.console().isTerminal();
        if (payload == null && terminal) {
            throw new ParameterException(spec.commandLine(), "no payload (expected: PAYLOAD, --file FILE, or - or a pipe for"
                    + " standard input)");
        }
        try {
            return System.in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read standard input", e);
        }
    }
}
