package io.hearth.control.internal;

import io.hearth.api.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import tools.jackson.databind.JsonNode;

/**
 * Turns a version's {@code code.s3{bucket,prefix}} into a {@link LaunchPlan}: the artifact (a directory or an
 * AgentCore direct-code-deploy {@code .zip} under {@code <artifacts>/<tenant>/<bucket>/<prefix>}, where the tenant is
 * the runtime's owner: no tenant builds from another's code) is copied into the version's own directory, so later
 * uploads under the same key never change a version that exists.
 *
 * <p>A {@code hearth.json} at the code's root, {@code {"command": ["java", "-jar", "agent.jar"]}}, runs any
 * command instead of the runtime's interpreter: the Hearth-native way to deploy Java or other agents.
 */
final class Artifacts {
    /** AgentCore's direct-code limit: 750 MB unzipped. */
    static final long MAX_UNPACKED_BYTES = 750L * 1024 * 1024;
    static final String MANIFEST = "hearth.json";

    private final Path artifactsRoot;
    private final Path versionsRoot;

    Artifacts(Path artifactsRoot, Path versionsRoot) {
        this.artifactsRoot = artifactsRoot.toAbsolutePath().normalize();
        this.versionsRoot = versionsRoot.toAbsolutePath().normalize();
    }

    LaunchPlan resolve(String runtimeId, int version, String tenant, CodeArtifact artifact) {
        Path bucket = ArtifactLayout.tenantDir(artifactsRoot, tenant).resolve(artifact.bucket()).normalize();
        Path source = bucket.resolve(artifact.prefix()).normalize();
        if (!bucket.getParent().equals(ArtifactLayout.tenantDir(artifactsRoot, tenant)) || !source.startsWith(bucket)) {
            throw new ArtifactException("artifact " + artifact.location() + " points outside its bucket");
        }
        if (!Files.exists(source)) {
            throw new ArtifactException("artifact " + artifact.location() + " not found in account " + tenant
                    + " (expected: a directory or a .zip at " + source + ", uploaded by that account)");
        }
        Path code = codeDir(runtimeId, version);
        try {
            deleteTree(code.getParent());
            Files.createDirectories(code);
            if (Files.isDirectory(source)) {
                copyTree(source, code);
            } else {
                unzip(source, code, artifact);
            }
        } catch (IOException e) {
            deleteQuietly(code.getParent());
            throw new ArtifactException("cannot unpack " + artifact.location() + ": " + e.getMessage(), e);
        } catch (ArtifactException e) {
            deleteQuietly(code.getParent());
            throw e;
        }
        return plan(code, artifact);
    }

    Path codeDir(String runtimeId, int version) {
        return versionsRoot.resolve(runtimeId).resolve(Integer.toString(version)).resolve("code");
    }

    /** Removes every version's code of a deleted runtime. */
    void forget(String runtimeId) {
        deleteQuietly(versionsRoot.resolve(runtimeId));
    }

    void forget(String runtimeId, int version) {
        deleteQuietly(versionsRoot.resolve(runtimeId).resolve(Integer.toString(version)));
    }

    private static LaunchPlan plan(Path code, CodeArtifact artifact) {
        Path manifest = code.resolve(MANIFEST);
        if (Files.isRegularFile(manifest)) {
            return fromManifest(code, manifest);
        }
        Path interpreter = Interpreters.forRuntime(artifact.runtime());
        for (String entry : artifact.entryPoint()) {
            if (looksLikeScript(entry) && !Files.isRegularFile(code.resolve(entry).normalize())) {
                throw new ArtifactException("entryPoint " + entry + " is not a file in " + artifact.location()
                        + " (expected: a path relative to the artifact's root)");
            }
        }
        var command = new ArrayList<String>();
        command.add(interpreter.toString());
        command.addAll(artifact.entryPoint());
        Map<String, String> environment = artifact.runtime().startsWith("PYTHON")
                ? Map.of("PYTHONUNBUFFERED", "1", "PYTHONDONTWRITEBYTECODE", "1")
                : Map.of();
        return new LaunchPlan(code, command, environment);
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

    private static boolean looksLikeScript(String entry) {
        return entry.endsWith(".py") || entry.endsWith(".js") || entry.endsWith(".mjs") || entry.endsWith(".cjs");
    }

    private static void copyTree(Path from, Path to) throws IOException {
        long[] total = {0};
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path target = to.resolve(from.relativize(file).toString());
                if (attrs.isSymbolicLink()) {
                    Files.createSymbolicLink(target, Files.readSymbolicLink(file));
                } else if (attrs.isRegularFile()) {
                    total[0] += attrs.size();
                    if (total[0] > MAX_UNPACKED_BYTES) {
                        throw new ArtifactException("artifact is larger than " + MAX_UNPACKED_BYTES + " bytes");
                    }
                    Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void unzip(Path zip, Path to, CodeArtifact artifact) throws IOException {
        long total = 0;
        try (InputStream file = Files.newInputStream(zip); var in = new ZipInputStream(file)) {
            ZipEntry entry;
            boolean any = false;
            while ((entry = in.getNextEntry()) != null) {
                any = true;
                Path target = to.resolve(entry.getName()).normalize();
                if (!target.startsWith(to)) {
                    throw new ArtifactException("artifact " + artifact.location() + ": entry " + entry.getName()
                            + " escapes the archive root");
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                Files.createDirectories(target.getParent());
                long written = Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                total += written;
                if (total > MAX_UNPACKED_BYTES) {
                    throw new ArtifactException("artifact " + artifact.location() + " unpacks to more than "
                            + MAX_UNPACKED_BYTES + " bytes (AgentCore's direct-code limit)");
                }
            }
            if (!any) {
                throw new ArtifactException("artifact " + artifact.location() + " is not a .zip archive, or an empty one "
                        + "(expected: a directory or a .zip)");
            }
        }
    }

    static void deleteQuietly(Path root) {
        try {
            deleteTree(root);
        } catch (IOException e) {
            // best effort: a later delete of the same runtime retries
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            List<Path> all = paths.sorted(Comparator.reverseOrder()).toList();
            for (Path path : all) {
                Files.deleteIfExists(path);
            }
        }
    }
}
