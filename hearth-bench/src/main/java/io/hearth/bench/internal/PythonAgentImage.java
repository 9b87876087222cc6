package io.hearth.bench.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A small image of the bench's Python agent, built from the host's own Debian interpreter: {@code python3.11}, the
 * standard library modules the agent and the interpreter's start-up load (with their {@code .pyc}), the shared libraries {@code ldd} lists for
 * them, a passwd and group; the agent at {@code /app}. What the host has is listed once; every {@link #layers} call
 * writes the layers again around a nonce, so each image is new to a registry and to Hearth's store.
 */
final class PythonAgentImage {
    static final Path PYTHON = Path.of("/usr/bin/python3.11");
    private static final Pattern LIBRARY = Pattern.compile("(/[^ ]+\\.so[^ ]*)");
    /**
     * The modules idle_agent.py imports, with what the interpreter loads at start, and their cached bytecode: without
     * it the image's interpreter would compile them at every start, which the host's does not.
     */
    private static final String MODULES = """
            import os, selectors, socket, sys, time, importlib.util
            for m in list(sys.modules.values()):
                f = getattr(m, "__file__", None)
                if f and f.startswith("/usr/lib/python3"):
                    print(os.path.realpath(f))
                    if f.endswith(".py"):
                        cached = importlib.util.cache_from_source(f)
                        if os.path.isfile(cached):
                            print(os.path.realpath(cached))
            """;

    private final List<String> files;
    private final List<String[]> libraries;
    private final Path agent;

    private PythonAgentImage(List<String> files, List<String[]> libraries, Path agent) {
        this.files = files;
        this.libraries = libraries;
        this.agent = agent;
    }

    /** Empty when the host has what the image is built from; otherwise why not. */
    static java.util.Optional<String> unavailable() {
        return java.nio.file.Files.isExecutable(PYTHON) ? java.util.Optional.empty()
                : java.util.Optional.of(PYTHON + " not installed (Debian's python3.11 builds the bench's image)");
    }

    /** Lists what the image holds; {@code agent} is the agent's one file. */
    static PythonAgentImage of(Path agent) {
        var modules = run(List.of(PYTHON.toString(), "-c", MODULES));
        var binaries = new ArrayList<String>(List.of(PYTHON.toString()));
        modules.stream().filter(m -> m.endsWith(".so")).forEach(binaries::add);
        var found = new TreeSet<String>();
        for (String binary : binaries) {
            for (String line : run(List.of("ldd", binary))) {
                var matcher = LIBRARY.matcher(line);
                if (matcher.find()) {
                    found.add(matcher.group(1));
                }
            }
        }
        // /lib and /lib64 are symlinks into /usr in the image, as on Debian: the libraries go where they lead.
        var libraries = new ArrayList<String[]>();
        for (String library : found) {
            libraries.add(new String[] {library,
                    library.replaceFirst("^/lib/", "/usr/lib/").replaceFirst("^/lib64/", "/usr/lib64/")});
        }
        return new PythonAgentImage(List.copyOf(new TreeSet<>(modules)), List.copyOf(libraries), agent);
    }

    /** The operating system layer and the application layer, both holding {@code nonce}. */
    List<byte[]> layers(String nonce) {
        var base = new ImageLayer().dir("usr/bin").dir("usr/lib").dir("usr/lib64").dir("etc").dir("tmp")
                .symlink("lib", "usr/lib").symlink("lib64", "usr/lib64")
                .copy(PYTHON, "usr/bin/python3.11").symlink("usr/bin/python3", "python3.11")
                .file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n")
                .file("etc/group", "root:x:0:\n")
                .file("etc/hearth-bench-image", nonce + "\n");
        files.forEach(f -> base.copy(Path.of(f), f.substring(1)));
        libraries.forEach(l -> base.copy(Path.of(l[0]), l[1].substring(1)));
        var app = new ImageLayer().dir("app").copy(agent, "app/" + agent.getFileName()).file("app/nonce", nonce + "\n");
        return List.of(base.gzip(), app.gzip());
    }

    /** The config's {@code config}: the agent as the PYTHON runtime starts it, from {@code /app}. */
    Map<String, Object> config() {
        return Map.of(
                "Entrypoint", List.of("python3", "/app/" + agent.getFileName()),
                "Env", List.of("PATH=/usr/local/bin:/usr/bin:/bin", "PYTHONUNBUFFERED=1", "PYTHONDONTWRITEBYTECODE=1"),
                "WorkingDir", "/app");
    }

    /** The host's architecture in Go's names, as Hearth matches images to the host. */
    static String architecture() {
        return io.hearth.image.Platform.host().architecture();
    }

    private static List<String> run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(command + ": " + output.strip() + " (expected: exit 0)");
            }
            return output.lines().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(command + ": interrupted", e);
        }
    }
}
