package io.hearth.testing;

import static org.awaitility.Awaitility.await;

import io.hearth.control.ControlPlane;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
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
        copyTree(HearthExtension.repoRoot().resolve(example), artifacts(dataDir).resolve(bucket).resolve(name));
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

    /** The directory of the fault battery's misbehaving agent ({@code FAULT} chooses how it starts). */
    public static final String FAULT_AGENT = "hearth-tests/src/test/resources/agents/fault";

    /** A READY runtime of the fault agent, started with {@code environment} (e.g. {@code FAULT=no-ping}). */
    public Runtime faultAgent(Map<String, String> environment) {
        return deploy(FAULT_AGENT, "PYTHON_3_12", "agent.py", null, environment, Map.of());
    }

    /**
     * A new version of the fault agent's runtime with {@code environment}, READY when this returns: how an operator
     * repairs a runtime whose agents fail.
     */
    public void updateFaultAgent(Runtime runtime, Map<String, String> environment) {
        String prefix = runtime.id().substring(0, runtime.id().lastIndexOf('-'));
        String version = clients.control().updateAgentRuntime(r -> r.agentRuntimeId(runtime.id())
                .agentRuntimeArtifact(a -> a.codeConfiguration(c -> c
                        .code(code -> code.s3(s3 -> s3.bucket("test-artifacts").prefix(prefix)))
                        .runtime("PYTHON_3_12")
                        .entryPoint("agent.py")))
                .roleArn("arn:aws:iam::000000000000:role/test")
                .networkConfiguration(n -> n.networkMode(NetworkMode.PUBLIC))
                .environmentVariables(environment)).agentRuntimeVersion();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            var got = clients.control().getAgentRuntime(g -> g.agentRuntimeId(runtime.id()));
            return got.status() == AgentRuntimeStatus.READY && got.agentRuntimeVersion().equals(version);
        });
    }

    /** A deployed runtime. */
    public record Runtime(String id, String arn) {}

    /** The root tenant's artifacts in a test server's data dir: its buckets are the children. */
    public static Path artifacts(Path dataDir) {
        return ControlPlane.artifactsOf(dataDir, Signed.ROOT_KEY.tenant());
    }

    /**
     * The counter example's {@code agent.py}, zipped as {@code ./hearth deploy} uploads it, with {@code prelude}
     * (Python; empty for none) put before it.
     */
    public static byte[] pythonCounterZip(String prelude) {
        var bytes = new ByteArrayOutputStream();
        try (var zip = new ZipOutputStream(bytes)) {
            String agent = prelude + Files.readString(HearthExtension.repoRoot().resolve("examples/python-counter/agent.py"));
            zip.putNextEntry(new ZipEntry("agent.py"));
            zip.write(agent.getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot zip the counter example: " + e.getMessage(), e);
        }
        return bytes.toByteArray();
    }

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
