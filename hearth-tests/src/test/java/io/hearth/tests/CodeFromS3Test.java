package io.hearth.tests;

import static io.hearth.tests.ControlPlaneFixture.ROLE;
import static io.hearth.tests.ControlPlaneFixture.assertFieldValidation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.hearth.control.ArtifactSettings;
import io.hearth.control.ExtractionLimits;
import io.hearth.testing.HearthExtension;
import io.hearth.testing.S3Fixture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.AgentRuntimeStatus;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.CreateAgentRuntimeRequest;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.GetAgentRuntimeResponse;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.NetworkMode;

/**
 * {@code code.s3} read from a real S3 API: an s3proxy started by the test, artifacts uploaded with the AWS SDK's S3
 * client as a deploy script would, runtimes created with the control client and invoked with the data client. The
 * server's unpacking limits are small here so that the zip bombs stay small.
 */
class CodeFromS3Test {
    static final String BUCKET = "agent-code";
    static final ExtractionLimits LIMITS = new ExtractionLimits(64L << 20, 1_000, 32L << 20, 16L << 20);
    static final S3Fixture S3 = S3Fixture.start();

    @RegisterExtension
    static final HearthExtension HEARTH = new HearthExtension(c -> c.withArtifacts(
            ArtifactSettings.DEFAULT.withS3(S3.settings()).withLimits(LIMITS)));

    static ControlPlaneFixture fx;

    @BeforeAll
    static void upload() throws IOException {
        fx = new ControlPlaneFixture(HEARTH);
        S3.client().createBucket(b -> b.bucket(BUCKET));
        String agent = Files.readString(HearthExtension.repoRoot().resolve("examples/python-counter/agent.py"));
        put("counter.zip", zip(Map.of("agent.py", agent)));
        put("dir/counter/agent.py", agent.getBytes(StandardCharsets.UTF_8));
        put("dir/counter/lib/note.txt", "a file in a sub-directory".getBytes(StandardCharsets.UTF_8));
        put("not-a-zip.zip", "just text".getBytes(StandardCharsets.UTF_8));
    }

    @AfterAll
    static void stopS3() {
        S3.close();
    }

    @Test
    void zipObjectRuns() {
        var runtime = fx.createReady(request("counter.zip", null, "agent.py"));
        assertThat(fx.invoke(runtime.arn(), null, "{}").path("count").asInt()).isEqualTo(1);
    }

    @Test
    void directoryPrefixRuns() {
        var runtime = fx.createReady(request("dir/counter", null, "agent.py"));
        assertThat(fx.invoke(runtime.arn(), null, "{}").path("count").asInt()).isEqualTo(1);
        assertThat(HEARTH.dataDir().resolve("versions").resolve(runtime.id()).resolve("1/code/lib/note.txt")).exists();
    }

    @Test
    void updateReadsTheNewObjectAndTheCacheKeepsOneCopy() throws IOException {
        var runtime = fx.createReady(request("counter.zip", null, "agent.py"));
        List<Path> cachedBefore = cached();
        var again = fx.createReady(request("counter.zip", null, "agent.py"));
        assertThat(cached()).as("the same object, downloaded once").isEqualTo(cachedBefore);
        fx.updateReady(r -> r.agentRuntimeId(runtime.id())
                .agentRuntimeArtifact(a -> a.codeConfiguration(c -> c
                        .code(code -> code.s3(s3 -> s3.bucket(BUCKET).prefix("dir/counter")))
                        .runtime("PYTHON_3_12")
                        .entryPoint("agent.py")))
                .roleArn(ROLE)
                .networkConfiguration(n -> n.networkMode(NetworkMode.PUBLIC)));
        assertThat(HEARTH.dataDir().resolve("versions").resolve(runtime.id()).resolve("2/code/lib/note.txt")).exists();
        assertThat(fx.invoke(runtime.arn(), null, "{}").path("count").asInt()).isEqualTo(1);
        assertThat(fx.invoke(again.arn(), null, "{}").path("count").asInt()).isEqualTo(1);
    }

    private static List<Path> cached() throws IOException {
        try (var files = Files.list(HEARTH.dataDir().resolve("cache/s3"))) {
            return files.sorted().toList();
        }
    }

    @Test
    void versionIdWithADirectoryPrefixIsRefused() {
        Throwable thrown = catchThrowable(() -> fx.control.createAgentRuntime(request("dir/counter/", "v1-some-version", "agent.py")));
        assertFieldValidation(thrown, "versionId");
    }

    @Test
    void versionIdIsSentToTheStore() {
        // s3proxy's filesystem store keeps no versions and answers any versionId with the current object; the id
        // still travels with the request and comes back in the configuration.
        var runtime = fx.createReady(request("counter.zip", "3HL4kqtJlcpXroDTDmJ-rmSpXd3dIbrHY", "agent.py"));
        var got = fx.control.getAgentRuntime(g -> g.agentRuntimeId(runtime.id()));
        assertThat(got.agentRuntimeArtifact().codeConfiguration().code().s3().versionId())
                .isEqualTo("3HL4kqtJlcpXroDTDmJ-rmSpXd3dIbrHY");
    }

    @Test
    void missingKeyFailsWithTheKeyAndTheCode() {
        var settled = failed(request("missing/agent.zip", null, "agent.py"));
        assertThat(settled.failureReason()).contains("s3://" + BUCKET + "/missing/agent.zip").contains("NoSuchKey");
    }

    @Test
    void objectThatIsNoZipFails() {
        var settled = failed(request("not-a-zip.zip", null, "agent.py"));
        assertThat(settled.failureReason()).contains("s3://" + BUCKET + "/not-a-zip.zip").contains("not a zip");
    }

    @Test
    void zipBombStopsAtTheLimitAndLeavesNothing() {
        byte[] zeros = new byte[1 << 20];
        var entries = new LinkedHashMap<String, Object>();
        entries.put("agent.py", "print('never runs')\n");
        for (int i = 0; i < 200; i++) {
            entries.put("zeros/" + i + ".bin", zeros); // 200 MiB unpacked, a few hundred KiB zipped
        }
        byte[] bomb = zip(entries);
        assertThat(bomb.length).isLessThan(1 << 20);
        put("bomb.zip", bomb);
        var settled = failed(request("bomb.zip", null, "agent.py"));
        assertThat(settled.failureReason()).contains("bomb.zip").contains("unpacks to more than " + LIMITS.maxTotalBytes());
        assertNothingUnpacked(settled.agentRuntimeId());
    }

    @Test
    void oneHugeFileAndAHugeObjectStopAtTheirLimits() {
        put("huge-file.zip", zip(Map.of("agent.py", "print()\n", "huge.bin", new byte[40 << 20])));
        var file = failed(request("huge-file.zip", null, "agent.py"));
        assertThat(file.failureReason()).contains("huge.bin").contains("more than " + LIMITS.maxFileBytes());
        assertNothingUnpacked(file.agentRuntimeId());

        byte[] noise = new byte[(int) LIMITS.maxObjectBytes() + 1];
        new Random(7).nextBytes(noise);
        put("huge-object.zip", noise);
        var object = failed(request("huge-object.zip", null, "agent.py"));
        assertThat(object.failureReason()).contains("huge-object.zip").contains("TooLarge");
    }

    @Test
    void tooManyEntriesStopAtTheLimit() {
        var entries = new LinkedHashMap<String, Object>();
        for (int i = 0; i < 5_000; i++) {
            entries.put("many/" + i + ".txt", "");
        }
        put("many.zip", zip(entries));
        var settled = failed(request("many.zip", null, "agent.py"));
        assertThat(settled.failureReason()).contains("more than " + LIMITS.maxEntries() + " entries");
        assertNothingUnpacked(settled.agentRuntimeId());
    }

    @Test
    void traversalAndEscapingLinksAreRefused() throws IOException {
        put("traversal.zip", zip(Map.of("agent.py", "print()\n", "../../escaped.py", "print('out')\n")));
        var traversal = failed(request("traversal.zip", null, "agent.py"));
        assertThat(traversal.failureReason()).contains("../../escaped.py");
        assertNothingUnpacked(traversal.agentRuntimeId());
        try (var all = Files.walk(HEARTH.dataDir())) {
            assertThat(all.filter(p -> p.getFileName().toString().equals("escaped.py")).toList()).isEmpty();
        }

        put("link.zip", zip(Map.of("agent.py", "print()\n", "etc", new Link("../../../../../../etc"))));
        var link = failed(request("link.zip", null, "agent.py"));
        assertThat(link.failureReason()).contains("etc").contains("outside the artifact");
        assertNothingUnpacked(link.agentRuntimeId());
    }

    @Test
    void consoleScriptOfAVendoredPackageStartsTheAgent() throws IOException {
        var entries = new LinkedHashMap<String, Object>();
        entries.put("agent.py", Files.readString(HearthExtension.repoRoot().resolve("examples/python-counter/agent.py")));
        // As pip install --target writes them: the package at the root, its console script in bin/ with the
        // shebang of the machine that built the zip.
        entries.put("vendored_launcher/__init__.py", "");
        entries.put("vendored_launcher/cli.py", """
                import os, runpy, sys
                def main():
                    os.environ["LAUNCHED_BY"] = "wrapper-launch"
                    sys.argv = sys.argv[1:]
                    runpy.run_path(sys.argv[0], run_name="__main__")
                    return 0
                """);
        entries.put("bin/wrapper-launch", new Executable("""
                #!/opt/build/venv/bin/python3
                # -*- coding: utf-8 -*-
                import re
                import sys
                from vendored_launcher.cli import main
                if __name__ == "__main__":
                    sys.argv[0] = re.sub(r"(-script\\.pyw|\\.exe)?$", "", sys.argv[0])
                    sys.exit(main())
                """));
        put("wrapped.zip", zip(entries));
        var runtime = fx.createReady(request("wrapped.zip", null, "wrapper-launch", "agent.py"));
        assertThat(fx.env(runtime.arn(), null, "LAUNCHED_BY")).isEqualTo("wrapper-launch");
    }

    @Test
    void vendoredPackagesAreImportable() throws IOException {
        var entries = new LinkedHashMap<String, Object>();
        entries.put("agent.py", Files.readString(HearthExtension.repoRoot().resolve("examples/python-counter/agent.py")));
        entries.put("package/vendored_flag/__init__.py", "VALUE = 'from-package'\n");
        entries.put("main.py", """
                import os, runpy
                import vendored_flag
                os.environ["VENDORED"] = vendored_flag.VALUE
                runpy.run_path("agent.py", run_name="__main__")
                """);
        put("vendored.zip", zip(entries));
        var runtime = fx.createReady(request("vendored.zip", null, "main.py"));
        assertThat(fx.env(runtime.arn(), null, "VENDORED")).isEqualTo("from-package");
    }

    @Test
    void nativeLibraryForAnotherArchitectureFailsWithItsName() {
        boolean arm = System.getProperty("os.arch").equals("aarch64");
        byte[] elf = new byte[64];
        elf[0] = 0x7f;
        elf[1] = 'E';
        elf[2] = 'L';
        elf[3] = 'F';
        elf[4] = 2; // 64-bit
        elf[5] = 1; // little-endian
        elf[18] = (byte) (arm ? 62 : 183); // e_machine: x86_64 or aarch64, whichever this host is not
        String name = "package/fast/_speedups.cpython-312-" + (arm ? "x86_64" : "aarch64") + "-linux-gnu.so";
        put("arm.zip", zip(Map.of("agent.py", "print()\n", name, elf)));
        var settled = failed(request("arm.zip", null, "agent.py"));
        assertThat(settled.failureReason()).contains(name).contains(arm ? "x86_64" : "aarch64");
    }

    record Link(String target) {}

    record Executable(String content) {}

    private static Consumer<CreateAgentRuntimeRequest.Builder> request(String prefix, String versionId, String... entryPoint) {
        return r -> r.agentRuntimeName(ControlPlaneFixture.uniqueName("s3"))
                .agentRuntimeArtifact(a -> a.codeConfiguration(c -> c
                        .code(code -> code.s3(s3 -> s3.bucket(BUCKET).prefix(prefix).versionId(versionId)))
                        .runtime("PYTHON_3_12")
                        .entryPoint(List.of(entryPoint))))
                .roleArn(ROLE)
                .networkConfiguration(n -> n.networkMode(NetworkMode.PUBLIC));
    }

    private static GetAgentRuntimeResponse failed(Consumer<CreateAgentRuntimeRequest.Builder> request) {
        var created = fx.control.createAgentRuntime(request);
        var settled = fx.awaitSettled(created.agentRuntimeId());
        assertThat(settled.status()).as("failureReason: %s", settled.failureReason()).isEqualTo(AgentRuntimeStatus.CREATE_FAILED);
        return settled;
    }

    private static void assertNothingUnpacked(String runtimeId) {
        assertThat(HEARTH.dataDir().resolve("versions").resolve(runtimeId).resolve("1")).doesNotExist();
    }

    private static void put(String key, byte[] bytes) {
        S3.client().putObject(p -> p.bucket(BUCKET).key(key), RequestBody.fromBytes(bytes));
    }

    /** Values: String or byte[] (a file), {@link Executable} (mode 0755), {@link Link} (a symlink). */
    private static byte[] zip(Map<String, ?> entries) {
        var bytes = new ByteArrayOutputStream();
        try (var zip = new ZipArchiveOutputStream(bytes)) {
            for (var e : entries.entrySet()) {
                var entry = new ZipArchiveEntry(e.getKey());
                byte[] content = switch (e.getValue()) {
                    case String text -> {
                        entry.setUnixMode(0100644);
                        yield text.getBytes(StandardCharsets.UTF_8);
                    }
                    case byte[] raw -> {
                        entry.setUnixMode(0100644);
                        yield raw;
                    }
                    case Executable x -> {
                        entry.setUnixMode(0100755);
                        yield x.content().getBytes(StandardCharsets.UTF_8);
                    }
                    case Link link -> {
                        entry.setUnixMode(0120777);
                        yield link.target().getBytes(StandardCharsets.UTF_8);
                    }
                    default -> throw new IllegalArgumentException("zip entry value: " + e.getValue());
                };
                zip.putArchiveEntry(entry);
                zip.write(content);
                zip.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
