package io.hearth.cli;

import io.hearth.cli.internal.Deployer;
import io.hearth.cli.internal.HearthClient;
import io.hearth.cli.internal.Credentials;
import io.hearth.server.AuthSettings;
import io.hearth.server.HearthServer;
import io.hearth.server.ServerConfig;
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
        ServerConfig config = options.toConfig();
        JsonNode runtime;
        try {
            runtime = new Deployer(new HearthClient(server.endpoint(), Credentials.find(config.dataDir())), System.out)
                    .deploy(agent, "hearth_demo", "PYTHON_3_12", List.of("agent.py"));
        } catch (HearthClient.HearthClientException e) {
            throw new CliProblem("the demo agent did not deploy: " + e.getMessage());
        }
        printHowTo(server, config, runtime.path("agentRuntimeArn").asString(), runtime.path("agentRuntimeId").asString());
        server.join();
        return 0;
    }

    private static void printHowTo(HearthServer server, ServerConfig config, String arn, String runtimeId) {
        // curl signs the path as sent, so the runtime id with accountId (no encoded ARN) is the form to show.
        String url = server.endpoint() + "/runtimes/" + runtimeId + "/invocations?accountId=" + config.identity().accountId();
        boolean signed = config.auth().mode() == AuthSettings.Mode.SIGV4;
        Path credentials = config.dataDir().toAbsolutePath().resolve("credentials");
        String sign = signed ? "--aws-sigv4 \"aws:amz:" + config.identity().region() + ":bedrock-agentcore\" --user \"$ID:$SECRET\" " : "";
        String keys = signed ? """
                Every call is signed (SigV4) with an access key. The root key is in %1$s
                (the CLI uses it; so do the AWS SDKs with AWS_SHARED_CREDENTIALS_FILE=%1$s). For curl:
                  ID=$(sed -n 's/^aws_access_key_id=//p' %1$s)
                  SECRET=$(sed -n 's/^aws_secret_access_key=//p' %1$s)
                More keys: ./hearth keys create (and list, disable, enable, rm).
                """.formatted(credentials)
                : "Authentication is OFF (--no-auth): no call needs credentials.\n";
        System.out.printf("""

                Hearth is up on %1$s (isolation: %2$s). The demo agent is deployed:
                  %3$s

                %5$s
                Invoke it with curl (the same session id reaches the same sandbox; the count goes up):
                  curl -s -X POST '%4$s' %6$s\\
                    -H 'Content-Type: application/json' \\
                    -H 'X-Amzn-Bedrock-AgentCore-Runtime-Session-Id: demo-session-0000000000000000000000001' \\
                    -d '{"prompt": "hello"}'

                Stream server-sent events:
                  curl -sN -X POST '%4$s' %6$s-H 'Accept: text/event-stream' -H 'Content-Type: application/json' \\
                    -H 'X-Amzn-Bedrock-AgentCore-Runtime-Session-Id: demo-session-0000000000000000000000001' \\
                    -d '{"stream": 5}'

                With the AWS SDK for Java v2, only the endpoint changes:
                  BedrockAgentCoreClient.builder().endpointOverride(URI.create("%1$s")).region(Region.US_EAST_1).build()
                      .invokeAgentRuntime(r -> r.agentRuntimeArn("%3$s").runtimeSessionId(sessionId)
                          .payload(SdkBytes.fromUtf8String("{\\"prompt\\": \\"hello\\"}")));

                Sessions: curl -s %6$s%1$s/hearth/v1/sessions     Stop with Ctrl-C.
                """, server.endpoint(), server.isolation(), arn, url, keys, sign);
    }
}
