package io.hearth.tests;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hearth.image.RegistryFixture.Layer;
import io.hearth.testing.HearthExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The layers of a small Python agent image, built from the host's own Debian {@code python3.11}: the interpreter,
 * the standard library modules the counter agent imports, the shared libraries {@code ldd} lists for them, a
 * passwd and group with a non-root user, and the counter agent at {@code /app}.
 */
final class PythonImage {
    static final Path PYTHON = Path.of("/usr/bin/python3.11");
    static final int UID = 1234;
    static final int GID = 2345;
    private static final Pattern LIBRARY = Pattern.compile("(/[^ ]+\\.so[^ ]*)");
    /** The modules python-counter imports, and the ones the interpreter loads at start. */
    private static final String MODULES = """
            import json, os, signal, socket, sys, tempfile, threading, time, http.server, runpy, pkgutil, importlib.util, importlib.machinery, encodings.idna
            for m in list(sys.modules.values()):
                f = getattr(m, "__file__", None)
                if f and f.startswith("/usr/lib/python3"):
                    print(os.path.realpath(f))
            """;
    /** Runs the counter after telling, through its environment, who and where it runs. */
    static final String WHOAMI = """
            import os, runpy
            os.environ["IMAGE_UID"] = str(os.getuid())
            os.environ["IMAGE_GID"] = str(os.getgid())
            os.environ["IMAGE_CWD"] = os.getcwd()
            runpy.run_path("/app/agent.py", run_name="__main__")
            """;

    private PythonImage() {}

    static void assumeAvailable() {
        assumeTrue(Files.isExecutable(PYTHON), PYTHON + " is not installed (Debian's python3.11 builds the test image)");
    }

    /** The operating system layer (interpreter, libraries, users) and the application layer. */
    static List<Layer> layers() {
        var base = new Layer().dir("usr").dir("usr/bin").dir("usr/lib").dir("usr/lib64").dir("etc").dir("tmp")
                .symlink("lib", "usr/lib").symlink("lib64", "usr/lib64")
                .copy(PYTHON, "usr/bin/python3.11").symlink("usr/bin/python3", "python3.11")
                .file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nagent:x:" + UID + ":" + GID
                        + ":agent:/home/agent:/bin/sh\n")
                .file("etc/group", "root:x:0:\nagent:x:" + GID + ":\n");
        var dirs = new TreeSet<String>();
        var files = new TreeSet<String>();
        List<String> modules = run(List.of(PYTHON.toString(), "-c", MODULES));
        files.addAll(modules);
        var binaries = new ArrayList<String>(List.of(PYTHON.toString()));
        modules.stream().filter(m -> m.endsWith(".so")).forEach(binaries::add);
        var libraries = new TreeSet<String>();
        for (String binary : binaries) {
            for (String line : run(List.of("ldd", binary))) {
                var matcher = LIBRARY.matcher(line);
                if (matcher.find()) {
                    libraries.add(matcher.group(1));
                }
            }
        }
        for (String file : files) {
            addParents(file, dirs);
        }
        // /lib and /lib64 are symlinks into /usr in the image, as on Debian: the libraries go where they lead.
        var placed = new ArrayList<String[]>();
        for (String library : libraries) {
            String inImage = library.replaceFirst("^/lib/", "/usr/lib/").replaceFirst("^/lib64/", "/usr/lib64/");
            addParents(inImage, dirs);
            placed.add(new String[] {library, inImage});
        }
        dirs.forEach(base::dir);
        files.forEach(f -> base.copy(Path.of(f), f.substring(1)));
        placed.forEach(p -> base.copy(Path.of(p[0]).toAbsolutePath(), p[1].substring(1)));
        var app = new Layer().dir("app").dir("home").dir("home/agent")
                .copy(HearthExtension.repoRoot().resolve("examples/python-counter/agent.py"), "app/agent.py")
                .file("app/whoami.py", WHOAMI);
        return List.of(base, app);
    }

    private static void addParents(String file, TreeSet<String> dirs) {
        Path parent = Path.of(file.substring(1)).getParent();
        while (parent != null) {
            dirs.add(parent.toString());
            parent = parent.getParent();
        }
    }

    private static List<String> run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(command + " failed: " + output);
            }
            return output.lines().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
