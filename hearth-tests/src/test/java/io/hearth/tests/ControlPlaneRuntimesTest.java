package io.hearth.tests;

import static io.hearth.tests.ControlPlaneFixture.ARN_PREFIX;
import static io.hearth.tests.ControlPlaneFixture.BUCKET;
import static io.hearth.tests.ControlPlaneFixture.ROLE;
import static io.hearth.tests.ControlPlaneFixture.assertAwsError;
import static io.hearth.tests.ControlPlaneFixture.assertRecent;
import static io.hearth.tests.ControlPlaneFixture.counter;
import static io.hearth.tests.ControlPlaneFixture.counterUpdate;
import static io.hearth.tests.ControlPlaneFixture.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.within;

import io.hearth.testing.Agents;
import io.hearth.testing.HearthExtension;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.AgentRuntime;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.AgentRuntimeStatus;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.ConflictException;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.CreateAgentRuntimeResponse;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.GetAgentRuntimeResponse;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.LifecycleConfiguration;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.NetworkMode;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.ResourceNotFoundException;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.ValidationException;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.ValidationExceptionReason;

/**
 * Agent runtimes through the real {@code BedrockAgentCoreControlClient}: create, get, update into immutable versions,
 * delete, list and paginate, idempotency, artifacts from a directory or a zip, and the lifecycle defaults of docs/wire-contract.md §3.
 */
class ControlPlaneRuntimesTest {
    @RegisterExtension
    static final HearthExtension hearth = new HearthExtension();

    static final String COUNTER = "counter";
    static ControlPlaneFixture fx;

    @BeforeAll
    static void stage() {
        fx = new ControlPlaneFixture(hearth);
        fx.stage("examples/python-counter", COUNTER);
    }

    // -- create --

    @Test
    void createAnswers202WithTheArnIdFirstVersionAndATimestamp() {
        Instant before = Instant.now();
        String name = uniqueName("created");
        CreateAgentRuntimeResponse created = fx.control.createAgentRuntime(counter(name, COUNTER));

        assertThat(created.sdkHttpResponse().statusCode()).isEqualTo(202);
        assertThat(created.agentRuntimeId()).matches(name + "-[a-zA-Z0-9]{10}");
        assertThat(created.agentRuntimeArn()).isEqualTo(ARN_PREFIX + created.agentRuntimeId());
        assertThat(created.agentRuntimeVersion()).isEqualTo("1");
        assertRecent(created.createdAt(), before);
        assertThat(created.status()).isIn(AgentRuntimeStatus.CREATING, AgentRuntimeStatus.READY);
        assertThat(created.workloadIdentityDetails()).isNotNull();
        assertThat(created.workloadIdentityDetails().workloadIdentityArn()).startsWith("arn:aws:bedrock-agentcore:us-east-1:000000000000:");

        GetAgentRuntimeResponse ready = fx.awaitReady(created.agentRuntimeId());
        assertThat(ready.agentRuntimeArn()).isEqualTo(created.agentRuntimeArn());
        assertThat(ready.createdAt()).isCloseTo(created.createdAt(), within(1, ChronoUnit.SECONDS));
    }

    @Test
    void getAnswersEveryRequiredMemberAndEchoesTheConfiguration() {
        Instant before = Instant.now();
        String name = uniqueName("described");
        var created = fx.control.createAgentRuntime(counter(name, COUNTER).andThen(r -> r
                .description("an agent that counts")
                .environmentVariables(Map.of("GREETING", "hello", "EMPTY", ""))));
        GetAgentRuntimeResponse got = fx.awaitReady(created.agentRuntimeId());

        assertThat(got.sdkHttpResponse().statusCode()).isEqualTo(200);
        assertThat(got.agentRuntimeArn()).isEqualTo(created.agentRuntimeArn());
        assertThat(got.agentRuntimeName()).isEqualTo(name);
        assertThat(got.agentRuntimeId()).isEqualTo(created.agentRuntimeId());
        assertThat(got.agentRuntimeVersion()).isEqualTo("1");
        assertRecent(got.createdAt(), before);
        assertRecent(got.lastUpdatedAt(), before);
        assertThat(got.lastUpdatedAt()).isAfterOrEqualTo(got.createdAt());
        assertThat(got.roleArn()).isEqualTo(ROLE);
        assertThat(got.networkConfiguration()).isNotNull();
        assertThat(got.networkConfiguration().networkMode()).isEqualTo(NetworkMode.PUBLIC);
        assertThat(got.status()).isEqualTo(AgentRuntimeStatus.READY);
        assertThat(got.failureReason()).isNull();
        assertThat(got.lifecycleConfiguration()).isNotNull();
        assertThat(got.description()).isEqualTo("an agent that counts");
        assertThat(got.environmentVariables()).isEqualTo(Map.of("GREETING", "hello", "EMPTY", ""));

        var code = got.agentRuntimeArtifact().codeConfiguration();
        assertThat(code.code().s3().bucket()).isEqualTo(BUCKET);
        assertThat(code.code().s3().prefix()).isEqualTo(COUNTER);
        assertThat(code.runtimeAsString()).isEqualTo("PYTHON_3_12");
        assertThat(code.entryPoint()).containsExactly("agent.py");
    }

    @Test
    void aRuntimeFromADirectoryArtifactRunsItsCodeWithTheEnvironmentVariables() {
        var runtime = fx.createReady(counter(uniqueName("envy"), COUNTER)
                .andThen(r -> r.environmentVariables(Map.of("GREETING", "bonjour"))));
        assertThat(fx.env(runtime.arn(), null, "GREETING")).isEqualTo("bonjour");
    }

    @Test
    void aZipFileIsAnArtifactToo() throws IOException {
        Path zip = Agents.artifacts(hearth.dataDir()).resolve(BUCKET).resolve("zipped/counter.zip");
        Files.createDirectories(zip.getParent());
        try (OutputStream out = Files.newOutputStream(zip); var zipped = new ZipOutputStream(out)) {
            zipped.putNextEntry(new ZipEntry("agent.py"));
            zipped.write(Files.readAllBytes(HearthExtension.repoRoot().resolve("examples/python-counter/agent.py")));
            zipped.closeEntry();
        }
        var runtime = fx.createReady(counter(uniqueName("zipped"), "zipped/counter.zip"));
        var answer = fx.invoke(runtime.arn(), null, "{\"prompt\":\"from a zip\"}");
        assertThat(answer.path("count").asInt()).isEqualTo(1);
        assertThat(answer.path("echo").path("prompt").asString()).isEqualTo("from a zip");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PYTHON_3_10", "PYTHON_3_11", "PYTHON_3_12", "PYTHON_3_13"})
    void everyPythonRuntimeRunsTheAgentWithPython3(String pythonRuntime) {
        var runtime = fx.createReady(counter(uniqueName("py"), COUNTER).andThen(r -> r
                .agentRuntimeArtifact(a -> a.codeConfiguration(c -> c
                        .code(code -> code.s3(s3 -> s3.bucket(BUCKET).prefix(COUNTER)))
                        .runtime(pythonRuntime)
                        .entryPoint("agent.py")))));
        assertThat(fx.invoke(runtime.arn(), null, "{}").path("count").asInt()).isEqualTo(1);
        assertThat(fx.control.getAgentRuntime(g -> g.agentRuntimeId(runtime.id()))
                .agentRuntimeArtifact().codeConfiguration().runtimeAsString()).isEqualTo(pythonRuntime);
    }

    @Test
    void aMissingArtifactFailsTheRuntimeAndSaysWhichPath() {
        String prefix = "nothing_staged_here_" + UUID.randomUUID().toString().substring(0, 8);
        var created = fx.control.createAgentRuntime(counter(uniqueName("missing"), prefix));
        assertThat(created.sdkHttpResponse().statusCode()).isEqualTo(202);

        GetAgentRuntimeResponse failed = fx.awaitSettled(created.agentRuntimeId());
        assertThat(failed.status()).isEqualTo(AgentRuntimeStatus.CREATE_FAILED);
        assertThat(failed.failureReason()).contains(prefix);
        assertThat(failed.lifecycleConfiguration()).isNotNull();
    }

    @Test
    void anArtifactPrefixCannotLeaveTheArtifactsDirectory() {
        // <dataDir>/artifacts/<tenant>/test-artifacts/../../../escaped is <dataDir>/escaped: a real agent, outside the artifact root.
        Agents.copyTree(HearthExtension.repoRoot().resolve("examples/python-counter"), hearth.dataDir().resolve("escaped"));
        CreateAgentRuntimeResponse created;
        try {
            created = fx.control.createAgentRuntime(counter(uniqueName("escape"), "../../../escaped"));
        } catch (ValidationException refusedAtOnce) {
            assertAwsError(refusedAtOnce, 400, "ValidationException");
            return;
        }
        GetAgentRuntimeResponse settled = fx.awaitSettled(created.agentRuntimeId());
        assertThat(settled.status()).as("a prefix with .. must not reach READY").isEqualTo(AgentRuntimeStatus.CREATE_FAILED);
    }

    @Test
    void anImageUriWithoutARegistryIsRefused() {
        // Images run (ContainerImageTest); a URI must name its registry, as AgentCore's do.
        Throwable thrown = catchThrowable(() -> fx.control.createAgentRuntime(counter(uniqueName("oci"), COUNTER).andThen(r -> r
                .agentRuntimeArtifact(a -> a.containerConfiguration(c -> c.containerUri("my-agent:latest"))))));
        assertThat(thrown).isInstanceOf(ValidationException.class);
        assertAwsError(thrown, 400, "ValidationException");
        assertThat(thrown.getMessage()).contains("containerUri").contains("my-agent:latest");
        assertThat(allRuntimes()).noneMatch(r -> r.agentRuntimeName().startsWith("oci_"));
    }

    @Test
    void aSecondRuntimeWithTheSameNameIsAConflict() {
        String name = uniqueName("twice");
        fx.control.createAgentRuntime(counter(name, COUNTER));
        Throwable thrown = catchThrowable(() -> fx.control.createAgentRuntime(counter(name, COUNTER)));
        assertThat(thrown).isInstanceOf(ConflictException.class);
        assertAwsError(thrown, 409, "ConflictException");
        assertThat(names(allRuntimes())).containsOnlyOnce(name);
    }

    // -- idempotency --

    @Test
    void theSameClientTokenAndRequestCreateOnlyOnce() {
        String name = uniqueName("idem");
        String token = UUID.randomUUID().toString();
        var first = fx.control.createAgentRuntime(counter(name, COUNTER).andThen(r -> r.clientToken(token)));
        var second = fx.control.createAgentRuntime(counter(name, COUNTER).andThen(r -> r.clientToken(token)));

        assertThat(second.agentRuntimeId()).isEqualTo(first.agentRuntimeId());
        assertThat(second.agentRuntimeArn()).isEqualTo(first.agentRuntimeArn());
        assertThat(second.agentRuntimeVersion()).isEqualTo("1");
        assertThat(second.createdAt()).isCloseTo(first.createdAt(), within(1, ChronoUnit.SECONDS));
        assertThat(names(allRuntimes())).containsOnlyOnce(name);
    }

    @Test
    void theSameClientTokenWithAnotherRequestIsAnIdempotentParameterMismatch() {
        String name = uniqueName("mismatch");
        String token = UUID.randomUUID().toString();
        var first = fx.control.createAgentRuntime(counter(name, COUNTER).andThen(r -> r.clientToken(token).description("first")));
        Throwable thrown = catchThrowable(() -> fx.control.createAgentRuntime(counter(name, COUNTER)
                .andThen(r -> r.clientToken(token).description("second"))));

        assertThat(thrown).isInstanceOf(ValidationException.class);
        assertAwsError(thrown, 400, "ValidationException");
        assertThat(((ValidationException) thrown).reason()).isEqualTo(ValidationExceptionReason.IDEMPOTENT_PARAMETER_MISMATCH_EXCEPTION);
        assertThat(fx.control.getAgentRuntime(g -> g.agentRuntimeId(first.agentRuntimeId())).description()).isEqualTo("first");
    }

    @Test
    void anUpdateRepeatedWithItsClientTokenMakesOneVersion() {
        var runtime = fx.createReady(counter(uniqueName("idemupdate"), COUNTER));
        String token = UUID.randomUUID().toString();
        var first = fx.updateReady(counterUpdate(runtime.id(), COUNTER, "v2", Map.of()).andThen(r -> r.clientToken(token)));
        var again = fx.control.updateAgentRuntime(counterUpdate(runtime.id(), COUNTER, "v2", Map.of()).andThen(r -> r.clientToken(token)));

        assertThat(first.agentRuntimeVersion()).isEqualTo("2");
        assertThat(again.agentRuntimeVersion()).isEqualTo("2");
        assertThat(versions(runtime.id())).containsExactlyInAnyOrder("1", "2");
    }

    // -- lifecycle defaults (docs/wire-contract.md §3) --

    static Stream<Arguments> lifecycles() {
        return Stream.of(
                Arguments.of(null, null, 900, 28_800),
                Arguments.of(null, 600, 600, 600),
                Arguments.of(null, 900, 900, 900),
                Arguments.of(null, 2000, 900, 2000),
                Arguments.of(300, null, 300, 28_800),
                Arguments.of(120, 3600, 120, 3600),
                Arguments.of(28_800, 28_800, 28_800, 28_800));
    }

    @ParameterizedTest(name = "idle={0} max={1} -> {2}/{3}")
    @MethodSource("lifecycles")
    void theLifecycleIsAlwaysReturnedWithItsDefaultsFilledIn(Integer idle, Integer max, int expectedIdle, int expectedMax) {
        var created = fx.control.createAgentRuntime(counter(uniqueName("life"), COUNTER).andThen(r -> {
            if (idle != null || max != null) {
                r.lifecycleConfiguration(LifecycleConfiguration.builder().idleRuntimeSessionTimeout(idle).maxLifetime(max).build());
            }
        }));
        LifecycleConfiguration lifecycle = fx.control.getAgentRuntime(g -> g.agentRuntimeId(created.agentRuntimeId())).lifecycleConfiguration();
        assertThat(lifecycle).isNotNull();
        assertThat(lifecycle.idleRuntimeSessionTimeout()).isEqualTo(expectedIdle);
        assertThat(lifecycle.maxLifetime()).isEqualTo(expectedMax);
    }

    // -- get --

    @Test
    void anUnknownRuntimeIsNotFound() {
        Throwable thrown = catchThrowable(() -> fx.control.getAgentRuntime(g -> g.agentRuntimeId("nosuchagent-abcdefghij")));
        assertThat(thrown).isInstanceOf(ResourceNotFoundException.class);
        assertAwsError(thrown, 404, "ResourceNotFoundException");
    }

    @Test
    void anUnknownVersionIsNotFound() {
        var runtime = fx.createReady(counter(uniqueName("versionless"), COUNTER));
        Throwable thrown = catchThrowable(() -> fx.control.getAgentRuntime(g -> g.agentRuntimeId(runtime.id()).agentRuntimeVersion("99")));
        assertThat(thrown).isInstanceOf(ResourceNotFoundException.class);
        assertAwsError(thrown, 404, "ResourceNotFoundException");
        assertThat(fx.control.getAgentRuntime(g -> g.agentRuntimeId(runtime.id()).agentRuntimeVersion("1")).agentRuntimeVersion()).isEqualTo("1");
    }

    // -- update --

    @Test
    void everyUpdateMakesANewImmutableVersion() {
        String name = uniqueName("versioned");
        var created = fx.control.createAgentRuntime(counter(name, COUNTER)
                .andThen(r -> r.description("first").environmentVariables(Map.of("STAGE", "one"))));
        fx.awaitReady(created.agentRuntimeId());
        String id = created.agentRuntimeId();
        Instant beforeUpdate = Instant.now();

        var second = fx.control.updateAgentRuntime(counterUpdate(id, COUNTER, "second", Map.of("STAGE", "two")));
        assertThat(second.sdkHttpResponse().statusCode()).isEqualTo(202);
        assertThat(second.agentRuntimeVersion()).isEqualTo("2");
        assertThat(second.agentRuntimeId()).isEqualTo(id);
        assertThat(second.agentRuntimeArn()).isEqualTo(created.agentRuntimeArn());
        assertThat(second.createdAt()).isNotNull();
        assertRecent(second.lastUpdatedAt(), beforeUpdate);
        assertThat(second.status()).isIn(AgentRuntimeStatus.UPDATING, AgentRuntimeStatus.READY);
        fx.awaitReady(id);

        var latest = fx.control.getAgentRuntime(g -> g.agentRuntimeId(id));
        assertThat(latest.agentRuntimeVersion()).isEqualTo("2");
        assertThat(latest.agentRuntimeName()).isEqualTo(name);
        assertThat(latest.description()).isEqualTo("second");
        assertThat(latest.environmentVariables()).isEqualTo(Map.of("STAGE", "two"));
        assertThat(latest.lastUpdatedAt()).isAfterOrEqualTo(latest.createdAt());

        var v1 = fx.control.getAgentRuntime(g -> g.agentRuntimeId(id).agentRuntimeVersion("1"));
        assertThat(v1.agentRuntimeVersion()).isEqualTo("1");
        assertThat(v1.description()).isEqualTo("first");
        assertThat(v1.environmentVariables()).isEqualTo(Map.of("STAGE", "one"));

        var third = fx.updateReady(counterUpdate(id, COUNTER, "third", Map.of("STAGE", "three")));
        assertThat(third.agentRuntimeVersion()).isEqualTo("3");
        assertThat(fx.control.getAgentRuntime(g -> g.agentRuntimeId(id).agentRuntimeVersion("2")).description()).isEqualTo("second");
        assertThat(versions(id)).containsExactlyInAnyOrder("1", "2", "3");

        AgentRuntime listed = allRuntimes().stream().filter(r -> r.agentRuntimeId().equals(id)).findFirst().orElseThrow();
        assertThat(listed.agentRuntimeVersion()).isEqualTo("3");
        assertThat(listed.description()).isEqualTo("third");
    }

    @Test
    void updatingAnUnknownRuntimeIsNotFound() {
        Throwable thrown = catchThrowable(() -> fx.control.updateAgentRuntime(counterUpdate("nosuchagent-abcdefghij", COUNTER, "x", Map.of())));
        assertThat(thrown).isInstanceOf(ResourceNotFoundException.class);
        assertAwsError(thrown, 404, "ResourceNotFoundException");
    }

    // -- delete --

    @Test
    void aDeletedRuntimeDisappearsAndCannotBeInvoked() {
        var runtime = fx.createReady(counter(uniqueName("doomed"), COUNTER));
        assertThat(fx.invoke(runtime.arn(), null, "{}").path("count").asInt()).isEqualTo(1);

        var deleted = fx.control.deleteAgentRuntime(d -> d.agentRuntimeId(runtime.id()));
        assertThat(deleted.sdkHttpResponse().statusCode()).isEqualTo(202);
        assertThat(deleted.status()).isEqualTo(AgentRuntimeStatus.DELETING);
        assertThat(deleted.agentRuntimeId()).isEqualTo(runtime.id());

        fx.awaitGone(runtime.id());
        assertThat(allRuntimes()).noneMatch(r -> r.agentRuntimeId().equals(runtime.id()));
        assertThatThrownBy(() -> fx.invoke(runtime.arn(), null, "{}"))
                .isInstanceOf(software.amazon.awssdk.services.bedrockagentcore.model.ResourceNotFoundException.class);
        assertThatThrownBy(() -> fx.control.listAgentRuntimeVersions(l -> l.agentRuntimeId(runtime.id())))
                .isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void deletingAnUnknownRuntimeIsNotFound() {
        Throwable thrown = catchThrowable(() -> fx.control.deleteAgentRuntime(d -> d.agentRuntimeId("nosuchagent-abcdefghij")));
        assertThat(thrown).isInstanceOf(ResourceNotFoundException.class);
        assertAwsError(thrown, 404, "ResourceNotFoundException");
    }

    @Test
    void aDeletedNameCanBeUsedAgain() {
        String name = uniqueName("reborn");
        var first = fx.createReady(counter(name, COUNTER));
        fx.control.deleteAgentRuntime(d -> d.agentRuntimeId(first.id()));
        fx.awaitGone(first.id());
        var second = fx.createReady(counter(name, COUNTER));
        assertThat(second.id()).startsWith(name + "-").isNotEqualTo(first.id());
    }

    // -- list --

    @Test
    void listingPagesThroughEveryRuntimeWithNextToken() {
        var mine = new HashSet<String>();
        for (int i = 0; i < 5; i++) {
            mine.add(fx.control.createAgentRuntime(counter(uniqueName("page"), COUNTER)).agentRuntimeId());
        }

        var paged = new ArrayList<String>();
        String token = null;
        int pages = 0;
        do {
            String current = token;
            var page = fx.control.listAgentRuntimes(l -> l.maxResults(2).nextToken(current));
            assertThat(page.sdkHttpResponse().statusCode()).isEqualTo(200);
            assertThat(page.agentRuntimes()).hasSizeLessThanOrEqualTo(2);
            if (page.nextToken() != null) {
                assertThat(page.agentRuntimes()).hasSize(2);
            }
            page.agentRuntimes().forEach(r -> paged.add(r.agentRuntimeId()));
            token = page.nextToken();
            assertThat(++pages).as("pages").isLessThan(100);
        } while (token != null);

        assertThat(paged).doesNotHaveDuplicates().containsAll(mine);
        assertThat(pages).isGreaterThanOrEqualTo(3);
        var onePage = fx.control.listAgentRuntimes(l -> l.maxResults(100));
        assertThat(onePage.nextToken()).isNull();
        assertThat(ids(onePage.agentRuntimes())).containsExactlyInAnyOrderElementsOf(paged);

        var viaPaginator = fx.control.listAgentRuntimesPaginator(l -> l.maxResults(2)).agentRuntimes().stream()
                .map(AgentRuntime::agentRuntimeId).toList();
        assertThat(viaPaginator).containsExactlyInAnyOrderElementsOf(paged);
    }

    @Test
    void aListedRuntimeCarriesItsSummary() {
        String name = uniqueName("summary");
        var runtime = fx.createReady(counter(name, COUNTER).andThen(r -> r.description("listed")));
        AgentRuntime listed = allRuntimes().stream().filter(r -> r.agentRuntimeId().equals(runtime.id())).findFirst().orElseThrow();
        assertThat(listed.agentRuntimeArn()).isEqualTo(runtime.arn());
        assertThat(listed.agentRuntimeName()).isEqualTo(name);
        assertThat(listed.agentRuntimeVersion()).isEqualTo("1");
        assertThat(listed.description()).isEqualTo("listed");
        assertThat(listed.lastUpdatedAt()).isNotNull();
        assertThat(listed.status()).isEqualTo(AgentRuntimeStatus.READY);
    }

    @Test
    void versionsAreListedAndPaged() {
        var runtime = fx.createReady(counter(uniqueName("manyversions"), COUNTER));
        fx.updateReady(counterUpdate(runtime.id(), COUNTER, "two", Map.of()));
        fx.updateReady(counterUpdate(runtime.id(), COUNTER, "three", Map.of()));

        var all = fx.control.listAgentRuntimeVersions(l -> l.agentRuntimeId(runtime.id()));
        assertThat(all.agentRuntimes()).extracting(AgentRuntime::agentRuntimeVersion).containsExactlyInAnyOrder("1", "2", "3");
        assertThat(all.agentRuntimes()).allSatisfy(v -> {
            assertThat(v.agentRuntimeId()).isEqualTo(runtime.id());
            assertThat(v.agentRuntimeArn()).isEqualTo(runtime.arn());
            assertThat(v.lastUpdatedAt()).isNotNull();
            assertThat(v.status()).isNotNull();
        });
        assertThat(all.agentRuntimes()).filteredOn(v -> v.agentRuntimeVersion().equals("2"))
                .singleElement().extracting(AgentRuntime::description).isEqualTo("two");

        var firstPage = fx.control.listAgentRuntimeVersions(l -> l.agentRuntimeId(runtime.id()).maxResults(1));
        assertThat(firstPage.agentRuntimes()).hasSize(1);
        assertThat(firstPage.nextToken()).isNotNull();
        var paged = fx.control.listAgentRuntimeVersionsPaginator(l -> l.agentRuntimeId(runtime.id()).maxResults(1))
                .agentRuntimes().stream().map(AgentRuntime::agentRuntimeVersion).toList();
        assertThat(paged).containsExactlyInAnyOrder("1", "2", "3");
    }

    @Test
    void versionsOfAnUnknownRuntimeAreNotFound() {
        Throwable thrown = catchThrowable(() -> fx.control.listAgentRuntimeVersions(l -> l.agentRuntimeId("nosuchagent-abcdefghij")));
        assertThat(thrown).isInstanceOf(ResourceNotFoundException.class);
        assertAwsError(thrown, 404, "ResourceNotFoundException");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 101})
    void maxResultsOutsideOneToOneHundredIsInvalid(int maxResults) {
        Throwable runtimes = catchThrowable(() -> fx.control.listAgentRuntimes(l -> l.maxResults(maxResults)));
        ControlPlaneFixture.assertFieldValidation(runtimes, "maxResults");
        var runtime = fx.createReady(counter(uniqueName("maxres"), COUNTER));
        Throwable versions = catchThrowable(() -> fx.control.listAgentRuntimeVersions(l -> l.agentRuntimeId(runtime.id()).maxResults(maxResults)));
        ControlPlaneFixture.assertFieldValidation(versions, "maxResults");
        Throwable endpoints = catchThrowable(() -> fx.control.listAgentRuntimeEndpoints(l -> l.agentRuntimeId(runtime.id()).maxResults(maxResults)));
        ControlPlaneFixture.assertFieldValidation(endpoints, "maxResults");
    }

    @Test
    void aNextTokenTheServerNeverGaveIsInvalid() {
        Throwable thrown = catchThrowable(() -> fx.control.listAgentRuntimes(l -> l.nextToken("not-a-token-we-issued")));
        assertThat(thrown).isInstanceOf(ValidationException.class);
        assertAwsError(thrown, 400, "ValidationException");
    }

    // -- helpers --

    private static List<AgentRuntime> allRuntimes() {
        return fx.control.listAgentRuntimesPaginator(l -> l.maxResults(100)).agentRuntimes().stream().toList();
    }

    private static List<String> names(List<AgentRuntime> runtimes) {
        return runtimes.stream().map(AgentRuntime::agentRuntimeName).toList();
    }

    private static List<String> ids(List<AgentRuntime> runtimes) {
        return runtimes.stream().map(AgentRuntime::agentRuntimeId).toList();
    }

    private static List<String> versions(String id) {
        return fx.control.listAgentRuntimeVersionsPaginator(l -> l.agentRuntimeId(id)).agentRuntimes().stream()
                .map(AgentRuntime::agentRuntimeVersion).toList();
    }
}
