package io.hearth.control.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How an entry point starts, as AgentCore starts it. One item is a script run by the runtime's interpreter. Two
 * items are either a script and its argument ({@code python3 <first> <second>}) or, as AgentCore documents for
 * {@code ["opentelemetry-instrument", "main.py"]}, a program and the script it starts: the program is looked up on
 * the PATH of the artifact's environment (its {@code bin/} directories, vendored packages' console scripts,
 * {@code node_modules/.bin}, then the interpreter's directory and the host's system directories).
 *
 * <p>Every item resolves inside the artifact: absolute paths and {@code ..} segments are refused by Create and
 * Update; a link that leaves the artifact fails the version. Paths in the environment are relative to the working
 * directory, the artifact's root, because each sandbox driver mounts the artifact somewhere else.
 */
final class EntryPoints {
    static final String FIELD = "agentRuntimeArtifact.codeConfiguration.entryPoint";
    /** Where a code zip keeps programs: its own, pip {@code --target} console scripts, and npm's. */
    private static final List<String> BIN_DIRS = List.of("bin", "package/bin", "python/bin", "node_modules/.bin");
    /** Where AWS-style zips vendor Python packages: the root (requirements installed with --target), or below. */
    private static final List<String> PYTHON_DIRS = List.of(".", "package", "python");
    private static final List<String> NODE_DIRS = List.of("node_modules", "package/node_modules");

    private EntryPoints() {}

    /** Why one item of an entry point can never be inside an artifact, or empty when it may be. */
    static Optional<String> refusal(String item) {
        if (item.startsWith("/")) {
            return Optional.of("Member must be a path inside the artifact (an absolute path names a host file)");
        }
        if (List.of(item.split("[/\\\\]")).contains("..")) {
            return Optional.of("Member must be a path inside the artifact (no '..' segments)");
        }
        if (item.indexOf('\0') >= 0) {
            return Optional.of("Member must not contain NUL");
        }
        return Optional.empty();
    }

    static LaunchPlan plan(Path code, CodeArtifact artifact) {
        Path root = realRoot(code);
        List<String> entry = artifact.entryPoint();
        for (String item : entry) {
            refusal(item).ifPresent(why -> {
                throw new ArtifactException(FIELD + ": " + item + " (expected: a path inside the artifact; " + why + ")");
            });
        }
        boolean python = artifact.runtime().startsWith("PYTHON");
        Path interpreter = Interpreters.forRuntime(artifact.runtime());
        var command = new ArrayList<String>();
        if (entry.size() == 2 && !isFile(root, entry.getFirst())) {
            command.addAll(program(root, entry.getFirst(), interpreter, python, artifact));
            command.add(script(root, entry.get(1), artifact));
        } else {
            command.add(interpreter.toString());
            for (String item : entry) {
                command.add(script(root, item, artifact));
            }
        }
        return new LaunchPlan(code, command, environment(root, interpreter, artifact, python));
    }

    /** A script or argument: when it names a file it must be one inside the artifact; scripts must exist. */
    private static String script(Path root, String item, CodeArtifact artifact) {
        Path path = root.resolve(item).normalize();
        if (Files.exists(path) || Files.isSymbolicLink(path)) {
            inside(root, path, item, artifact);
        } else if (looksLikeScript(item)) {
            throw new ArtifactException("entryPoint " + item + " is not a file in " + artifact.location()
                    + " (expected: a path relative to the artifact's root)");
        }
        return item;
    }

    /** The argv that runs {@code name}: from the artifact's bin directories first, then the host's. */
    private static List<String> program(Path root, String name, Path interpreter, boolean python, CodeArtifact artifact) {
        var dirs = name.contains("/") ? List.of(".") : BIN_DIRS;
        for (String dir : dirs) {
            Path candidate = root.resolve(dir).resolve(name).normalize();
            if (!Files.isRegularFile(candidate)) {
                continue;
            }
            inside(root, candidate, name, artifact);
            String relative = root.relativize(candidate).toString();
            String shebang = shebang(candidate);
            // Console scripts carry the shebang of the machine that built the zip: the runtime's interpreter runs them.
            if (python && (shebang.contains("python") || relative.endsWith(".py"))) {
                return List.of(interpreter.toString(), relative);
            }
            if (shebang.contains("node") || relative.endsWith(".js") || relative.endsWith(".mjs") || relative.endsWith(".cjs")) {
                Path node = Interpreters.find("node").orElseThrow(() -> new ArtifactException(FIELD + ": " + name
                        + " is a Node.js program and this host has no node (expected: /usr/bin/node)"));
                return List.of(node.toString(), relative);
            }
            if (!Files.isExecutable(candidate)) {
                throw new ArtifactException(FIELD + ": " + relative + " in " + artifact.location() + " is not executable "
                        + "(expected: a program with its executable bit set in the zip, or a script with a shebang)");
            }
            return List.of("/usr/bin/env", "./" + relative);
        }
        if (!name.contains("/")) {
            Path beside = interpreter.getParent().resolve(name);
            if (Files.isRegularFile(beside) && Files.isExecutable(beside)) {
                return List.of(beside.toString());
            }
            Optional<Path> onHost = Interpreters.find(name);
            if (onHost.isPresent()) {
                return List.of(onHost.get().toString());
            }
        }
        throw new ArtifactException(FIELD + ": program " + name + " not found in " + artifact.location() + " ("
                + String.join("/, ", BIN_DIRS) + "/) nor beside " + interpreter + " or in the host's system directories "
                + "(expected: a program the artifact carries, or a script file as the first item)");
    }

    private static Map<String, String> environment(Path root, Path interpreter, CodeArtifact artifact, boolean python) {
        var env = new LinkedHashMap<String, String>();
        var path = new ArrayList<String>();
        BIN_DIRS.stream().filter(d -> Files.isDirectory(root.resolve(d))).forEach(path::add);
        path.add(interpreter.getParent().toString());
        path.addAll(List.of("/usr/local/bin", "/usr/bin", "/bin"));
        env.put("PATH", String.join(":", path.stream().distinct().toList()));
        if (python) {
            env.put("PYTHONUNBUFFERED", "1");
            env.put("PYTHONDONTWRITEBYTECODE", "1");
            env.put("PYTHONPATH", String.join(":", PYTHON_DIRS.stream().filter(d -> Files.isDirectory(root.resolve(d))).toList()));
        } else {
            List<String> node = NODE_DIRS.stream().filter(d -> Files.isDirectory(root.resolve(d))).toList();
            if (!node.isEmpty()) {
                env.put("NODE_PATH", String.join(":", node));
            }
        }
        return env;
    }

    private static void inside(Path root, Path path, String item, CodeArtifact artifact) {
        Path real;
        try {
            real = path.toRealPath();
        } catch (IOException e) {
            throw new ArtifactException(FIELD + ": " + item + " is a dangling link in " + artifact.location()
                    + " (expected: a file inside the artifact)");
        }
        if (!real.startsWith(root)) {
            throw new ArtifactException(FIELD + ": " + item + " resolves to " + real + ", outside the artifact "
                    + artifact.location() + " (expected: a file inside the artifact)");
        }
    }

    private static boolean isFile(Path root, String item) {
        return Files.isRegularFile(root.resolve(item).normalize());
    }

    private static String shebang(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(256);
            String text = new String(head, StandardCharsets.ISO_8859_1);
            int end = text.indexOf('\n');
            return text.startsWith("#!") ? (end < 0 ? text : text.substring(0, end)) : "";
        } catch (IOException e) {
            return "";
        }
    }

    static boolean looksLikeScript(String entry) {
        return entry.endsWith(".py") || entry.endsWith(".js") || entry.endsWith(".mjs") || entry.endsWith(".cjs");
    }

    private static Path realRoot(Path code) {
        try {
            return code.toRealPath();
        } catch (IOException e) {
            throw new ArtifactException("the version's code directory " + code + " is gone (" + e.getMessage() + ")", e);
        }
    }
}
