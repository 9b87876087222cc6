package io.hearth.control.internal;

import io.hearth.api.FileTrees;
import io.hearth.api.Json;
import io.hearth.control.ExtractionLimits;
import io.hearth.image.PullProgress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Turns a version's {@code code.s3{bucket,prefix,versionId}} into a {@link LaunchPlan}: the artifact, a directory or
 * an AgentCore direct-code-deploy {@code .zip} from the {@link ArtifactSource} (Hearth's own store, or a real S3 API),
 * is unpacked within the {@link ExtractionLimits} into the version's own directory, so later uploads under the same
 * key never change a version that exists.
 *
 * <p>A {@code hearth.json} at the code's root, {@code {"command": ["java", "-jar", "agent.jar"]}}, runs any
 * command instead of the runtime's interpreter: the Hearth-native way to deploy Java or other agents.
 */
final class Artifacts {
    static final String MANIFEST = "hearth.json";

    private final ArtifactSource source;
    private final ExtractionLimits limits;
    private final Path versionsRoot;
    private final ContainerImages images;

    Artifacts(ArtifactSource source, ExtractionLimits limits, Path versionsRoot, ContainerImages images) {
        this.source = source;
        this.limits = limits;
        this.versionsRoot = versionsRoot.toAbsolutePath().normalize();
        this.images = images;
    }

    /** @param progress hears how an image pull goes (code artifacts report nothing) */
    LaunchPlan resolve(String runtimeId, int version, String tenant, RuntimeArtifact artifact, PullProgress progress) {
        return switch (artifact) {
            case CodeArtifact code -> resolve(runtimeId, version, tenant, code);
            case ContainerArtifact container -> images.resolve(container, progress);
        };
    }

    ContainerImages images() {
        return images;
    }

    LaunchPlan resolve(String runtimeId, int version, String tenant, CodeArtifact artifact) {
        ArtifactSource.Fetched fetched = source.fetch(tenant, artifact);
        Path code = codeDir(runtimeId, version);
        try {
            FileTrees.delete(code.getParent());
            Files.createDirectories(code);
            var unpacker = new Unpacker(code, limits, artifact.location());
            if (Files.isDirectory(fetched.path())) {
                unpacker.copyTree(fetched.path());
            } else {
                unpacker.unzip(fetched.path());
            }
            NativeArchitecture.check(code, artifact.location());
            return plan(code, artifact);
        } catch (IOException e) {
            FileTrees.deleteQuietly(code.getParent());
            throw new ArtifactException("cannot unpack " + artifact.location() + ": " + e.getMessage(), e);
        } catch (ArtifactException e) {
            FileTrees.deleteQuietly(code.getParent());
            fetched.discard().run();
            throw e;
        }
    }

    Path codeDir(String runtimeId, int version) {
        return versionsRoot.resolve(runtimeId).resolve(Integer.toString(version)).resolve("code");
    }

    /** Removes every version's code of a deleted runtime. */
    void forget(String runtimeId) {
        FileTrees.deleteQuietly(versionsRoot.resolve(runtimeId));
    }

    void forget(String runtimeId, int version) {
        FileTrees.deleteQuietly(versionsRoot.resolve(runtimeId).resolve(Integer.toString(version)));
    }

    private static LaunchPlan plan(Path code, CodeArtifact artifact) {
        Path manifest = code.resolve(MANIFEST);
        if (Files.isRegularFile(manifest)) {
            return fromManifest(code, manifest);
        }
        return EntryPoints.plan(code, artifact);
    }

    private static LaunchPlan fromManifest(Path code, Path manifest) {
        JsonNode command;
        try {
            command = Json.tree(Files.readAllBytes(manifest)).path("command");
        } catch (IOException | RuntimeException e) {
            throw new ArtifactException(MANIFEST + ": cannot read it (" + e.getMessage() + ")", e);
        }
        if (!command.isArray() || command.isEmpty()) {
            throw new ArtifactException(MANIFEST + ": \"command\" must be a non-empty array of strings");
        }
        var argv = new ArrayList<String>();
        for (JsonNode item : command) {
            if (!item.isString() || item.stringValue().isEmpty()) {
                throw new ArtifactException(MANIFEST + ": \"command\" must be a non-empty array of strings (got " + item + ")");
            }
            argv.add(item.stringValue());
        }
        String exe = argv.getFirst();
        if (!exe.startsWith("/")) {
            Path inCode = code.resolve(exe).normalize();
            Path resolved = exe.contains("/") && Files.isExecutable(inCode) ? inCode
                    : Interpreters.find(exe).orElseThrow(() -> new ArtifactException(MANIFEST + ": command " + exe
                            + " not found on this host or in the artifact (expected: an executable name or path)"));
            argv.set(0, resolved.toString());
        }
        return new LaunchPlan(code, argv, Map.of());
    }
}
