package io.hearth.tests.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hearth.api.Json;
import io.hearth.testing.HearthExtension;
import io.hearth.testing.Invoker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code hearth deploy DIR} in a JVM of its own against a real server: packing and upload progress, the wait for READY,
 * and the runtime it leaves, READY and answering. stderr is no terminal here, so progress comes as plain lines.
 */
class DeployCommandTest {
    @RegisterExtension
    static final HearthExtension hearth = new HearthExtension();

    private static final Pattern ARN = Pattern.compile("arn:aws:bedrock-agentcore:[a-z0-9-]+:\\d{12}:runtime/%s-\\w{10}");
    private static final int BLOBS = 32;

    private static Path agent;
    private static Cli cli;

    /** The counter example with 32 incompressible 64 KiB files beside it: 2 MiB to pack and upload. */
    @BeforeAll
    static void agentDirectory() throws Exception {
        agent = Files.createTempDirectory("hearth-deploy-cli-");
        Files.copy(HearthExtension.repoRoot().resolve("examples/python-counter/agent.py"), agent.resolve("agent.py"));
        Files.createDirectories(agent.resolve("data"));
        var random = new Random(7);
        for (int i = 0; i < BLOBS; i++) {
            byte[] blob = new byte[64 * 1024];
            random.nextBytes(blob);
            Files.write(agent.resolve("data/blob-%02d.bin".formatted(i)), blob);
        }
        cli = new Cli(hearth.endpoint());
    }

    @AfterAll
    static void removeAgentDirectory() {
        HearthExtension.deleteTree(agent);
    }

    @Test
    void deployShowsPackingAndUploadProgressThenWaitsForReadyAndPrintsTheArn() throws Exception {
        var result = cli.run("deploy", agent.toString(), "--name", "cli_progress", "--entry", "agent.py");
        assertThat(result.exit()).as(result.err()).isZero();

        String arn = result.out().strip();
        assertThat(result.out().lines().toList()).as("stdout: the ARN alone").hasSize(1);
        assertThat(arn).matches(ARN.pattern().formatted("cli_progress"));

        List<String> err = result.err().lines().toList();
        assertThat(result.err()).as("plain lines, not redrawn").doesNotContain("\r");
        assertThat(err).first().asString().isEqualTo("Packing " + agent + ": 33 files, 2.0 MiB ...");
        var packing = err.stream().filter(l -> l.startsWith("Packing   [")).toList();
        assertThat(packing).as(result.err()).hasSize(5);
        assertThat(packing.getFirst()).endsWith("   0%   0/33 files  0.0/2.0 MiB");
        assertThat(packing).as("the bar keeps its width").allSatisfy(l -> assertThat(l).hasSize(packing.getFirst().length()));
        assertThat(packing.stream().map(DeployCommandTest::percent)).containsExactly("0%", "25%", "50%", "75%", "100%");
        assertThat(packing.getLast()).endsWith("] 100%  33/33 files  2.0/2.0 MiB").contains("[#####");

        var uploading = err.stream().filter(l -> l.startsWith("Uploading [")).toList();
        assertThat(uploading).as(result.err()).hasSizeBetween(2, 5);
        assertThat(percent(uploading.getFirst())).isEqualTo("0%");
        assertThat(uploading.getLast()).matches("Uploading \\[#+\\] 100%  2\\.0/2\\.0 MiB  +[0-9.]+ [KMG]?i?B/s  ETA  0:00");

        assertThat(err).containsSubsequence("Creating " + arn.substring(arn.indexOf("runtime/") + 8) + " ...",
                "Waiting for READY ...");
        assertThat(err.getLast()).matches(Pattern.quote("READY: " + arn + " (version 1) after ") + "\\d+:\\d\\d");
        assertThat(packing.getLast()).hasSizeLessThan(80);

        assertThat(new Invoker(hearth.clients().data(), arn).count(Invoker.newSessionId())).isEqualTo(1);
    }

    @Test
    void quietPrintsOnlyTheArnAndJsonTheReadyRuntime() throws Exception {
        var first = cli.run("deploy", agent.toString(), "--name", "cli_quiet", "--entry", "agent.py", "--quiet");
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.err()).isEmpty();
        assertThat(first.out()).matches(ARN.pattern().formatted("cli_quiet") + "\n");
        String arn = first.out().strip();

        var second = cli.run("deploy", agent.toString(), "--name", "cli_quiet", "--entry", "agent.py", "--quiet", "--json");
        assertThat(second.exit()).as(second.err()).isZero();
        assertThat(second.err()).isEmpty();
        var runtime = Json.tree(second.out().getBytes(StandardCharsets.UTF_8));
        assertThat(runtime.path("agentRuntimeArn").asString()).isEqualTo(arn);
        assertThat(runtime.path("status").asString()).isEqualTo("READY");
        assertThat(runtime.path("agentRuntimeVersion").asString()).isEqualTo("2");
        assertThat(new Invoker(hearth.clients().data(), arn).count(Invoker.newSessionId())).isEqualTo(1);
    }

    @Test
    void aDirectoryWithoutTheEntryFileOrWithoutFilesIsRefusedBeforeAnythingIsUploaded() throws Exception {
        var missing = cli.run("deploy", agent.toString(), "--name", "cli_no_entry", "--entry", "main.py");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.out()).isEmpty();
        Cli.assertOneLineProblem(missing, "hearth: --entry main.py: no such file in " + agent + " (expected: ");
        assertThat(missing.err()).contains("such as agent.py");

        Path empty = Files.createTempDirectory("hearth-deploy-empty-");
        try {
            Files.createDirectories(empty.resolve(".git"));
            Files.writeString(empty.resolve(".git/HEAD"), "ref: refs/heads/main\n");
            var nothing = cli.run("deploy", empty.toString(), "--name", "cli_no_entry", "--entry", "agent.py");
            assertThat(nothing.exit()).isEqualTo(2);
            Cli.assertOneLineProblem(nothing, "hearth: code directory: " + empty + " has no files (expected: ");
        } finally {
            HearthExtension.deleteTree(empty);
        }

        try (var stored = Files.walk(hearth.dataDir())) {
            assertThat(stored.filter(p -> p.getFileName().toString().equals("cli_no_entry")).toList())
                    .as("nothing uploaded").isEmpty();
        }
        assertThat(cli.run("runtimes", "get", "cli_no_entry").exit()).isEqualTo(3);
    }

    @Test
    void aRefusedUploadSaysWhatTheServerAnswered() throws Exception {
        var stranger = new Cli(hearth.endpoint(), Map.of("HEARTH_ACCESS_KEY_ID", "AKIDNOTAKEY0000000000",
                "HEARTH_SECRET_ACCESS_KEY", "not-the-secret", "HEARTH_DATA_DIR", agent.resolve("no-such-dir").toString()));
        var result = stranger.run("deploy", agent.toString(), "--name", "cli_refused", "--entry", "agent.py");
        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).contains("] 100%  33/33 files").doesNotContain("java.").doesNotContain("\tat ");
        assertThat(result.err().lines().toList().getLast())
                .startsWith("hearth: upload of " + agent + " to hearth-deploy/cli_refused/")
                .contains(" refused: PUT /hearth/v1/artifacts/hearth-deploy/cli_refused/")
                .contains("answered 403 UnrecognizedClientException: The security token included in the request is invalid.")
                .endsWith("(expected: a key this server knows, from HEARTH_ACCESS_KEY_ID and HEARTH_SECRET_ACCESS_KEY"
                        + " or <data-dir>/credentials)");
    }

    @Test
    void aVersionThatFailsEndsTheWaitWithTheServersReason() throws Exception {
        Path dir = Files.createTempDirectory("hearth-deploy-failing-");
        try {
            Files.copy(agent.resolve("agent.py"), dir.resolve("agent.py"));
            // An ELF header naming riscv64: a native library this host cannot load, which fails the version.
            byte[] elf = new byte[64];
            System.arraycopy(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1}, 0, elf, 0, 7);
            elf[18] = (byte) 243;
            Files.createDirectories(dir.resolve("lib"));
            Files.write(dir.resolve("lib/native.so"), elf);

            var result = cli.run("deploy", dir.toString(), "--name", "cli_failing", "--entry", "agent.py");
            assertThat(result.exit()).isEqualTo(1);
            assertThat(result.out()).isEmpty();
            assertThat(result.err()).contains("] 100%  2/2 files").contains("Waiting for READY ...").doesNotContain("\tat ");
            assertThat(result.err().lines().toList().getLast()).startsWith("hearth: cli_failing-")
                    .contains(" CREATE_FAILED: artifact s3://hearth-deploy/cli_failing/")
                    .contains("lib/native.so is a native library for riscv64").contains("(expected: ");
        } finally {
            HearthExtension.deleteTree(dir);
        }
    }

    private static String percent(String line) {
        return line.substring(line.indexOf(']') + 1, line.indexOf('%') + 1).strip();
    }
}
