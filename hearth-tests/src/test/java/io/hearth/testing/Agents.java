package io.hearth.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.AgentRuntimeStatus;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.CreateAgentRuntimeResponse;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.LifecycleConfiguration;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.NetworkMode;

/** Deploys the repository's example agents into a test server, through the control-plane API like any user. */
public final class Agents {
    private static final AtomicInteger NAMES = new AtomicInteger();
    private final Clients clients;
    private final Path dataDir;

    public Agents(Clients clients, Path dataDir) {
        this.clients = clients;
        this.dataDir = dataDir;
    }

    /** A READY runtime of examples/python-counter with default lifecycle. */
    public Runtime pythonCounter() {
        return pythonCounter(null, Map.of());
    }

    public Runtime pythonCounter(LifecycleConfiguration lifecycle, Map<String, String> environment) {
        return deploy("examples/python-counter", "PYTHON_3_12", "agent.py", lifecycle, environment, Map.of());
    }

    public Runtime deploy(String example, String runtime, String entry, LifecycleConfiguration lifecycle,
            Map<String, String> environment, Map<String, String> tags) {
        String name = "t" + NAMES.incrementAndGet() + "_" + example.replaceAll("[^a-zA-Z0-9]", "_");
        name = name.length() > 48 ? name.substring(0, 48) : name;
        String bucket = "test-artifacts";
        copyTree(HearthExtension.repoRoot().resolve(example), dataDir.resolve("artifacts").resolve(bucket).resolve(name));
        String finalName = name;
        CreateAgentRuntimeResponse created = clients.control().createAgentRuntime(r -> {
            r.agentRuntimeName(finalName)
                    .agentRuntimeArtifact(a -> a.codeConfiguration(c -> c
                            .code(code -> code.s3(s3 -> s3.bucket(bucket).prefix(finalName)))
                            .runtime(runtime)
                            .entryPoint(entry)))
                    .roleArn("arn:aws:iam::000000000000:role/test")
                    .networkConfiguration(n -> n.networkMode(NetworkMode.PUBLIC))
                    .environmentVariables(environment)
                    .tags(tags);
            if (lifecycle != null) {
                r.lifecycleConfiguration(lifecycle);
            }
        });
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() ->
                clients.control().getAgentRuntime(g -> g.agentRuntimeId(created.agentRuntimeId())).status() == AgentRuntimeStatus.READY);
        return new Runtime(created.agentRuntimeId(), created.agentRuntimeArn());
    }

    /** A deployed runtime. */
    public record Runtime(String id, String arn) {}

    public static void copyTree(Path from, Path to) {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : paths.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + from + " to " + to, e);
        }
    }
}
