package io.hearth.cli;

import io.hearth.cli.internal.Deployer;
import io.hearth.cli.internal.HearthClient;
import io.hearth.server.HearthServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Start Hearth with its embedded defaults, deploy the example agent, and show how to call it.")
final class UpCommand implements Callable<Integer> {
    @Mixin
    ServerOptions options;

    @Option(names = "--example", description = "Example agent directory. Default: examples/python-counter of this checkout.")
    Path example;

    @Override
    public Integer call() throws Exception {
        Path agent = example != null ? example : Path.of(System.getProperty("hearth.home", ".")).resolve("examples/python-counter");
        if (!Files.isRegularFile(agent.resolve("agent.py"))) {
            throw new CliProblem("no example agent at " + agent.toAbsolutePath() + " (expected: agent.py there; pass --example DIR)");
        }
        HearthServer server = ServerStart.start(options);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "hearth-shutdown"));
        JsonNode runtime;
        try {
            runtime = new Deployer(new HearthClient(server.endpoint()), System.out)
                    .deploy(agent, "hearth_demo", "PYTHON_3_12", List.of("agent.py"));
        } catch (HearthClient.HearthClientException e) {
            throw new CliProblem("the demo agent did not deploy: " + e.getMessage());
        }
        printHowTo(server, runtime.path("agentRuntimeArn").asString());
        server.join();
        return 0;
    }

    private static void printHowTo(HearthServer server, String arn) {
        String url = server.endpoint() + "/runtimes/" + URLEncoder.encode(arn, StandardCharsets.UTF_8) + "/invocations";
        System.out.printf("""

                Hearth is up on %1$s (isolation: %2$s). The demo agent is deployed:
                  %3$s

                Invoke it with curl (the same session id reaches the same sandbox; the count goes up):
                  curl -s -X POST '%4$s' \\
                    -H 'Content-Type: application/json' \\
                    -H 'X-Amzn-Bedrock-AgentCore-Runtime-Session-Id: demo-session-0000000000000000000000001' \\
                    -d '{"prompt": "hello"}'

                Stream server-sent events:
                  curl -sN -X POST '%4$s' -H 'Accept: text/event-stream' -H 'Content-Type: application/json' \\
                    -H 'X-Amzn-Bedrock-AgentCore-Runtime-Session-Id: demo-session-0000000000000000000000001' \\
                    -d '{"stream": 5}'

                With the AWS SDK for Java v2, only the endpoint changes:
                  BedrockAgentCoreClient.builder().endpointOverride(URI.create("%1$s")).region(Region.US_EAST_1).build()
                      .invokeAgentRuntime(r -> r.agentRuntimeArn("%3$s").runtimeSessionId(sessionId)
                          .payload(SdkBytes.fromUtf8String("{\\"prompt\\": \\"hello\\"}")));

                Sessions: curl -s %1$s/hearth/v1/sessions     Stop with Ctrl-C.
                """, server.endpoint(), server.isolation(), arn, url);
    }
}
