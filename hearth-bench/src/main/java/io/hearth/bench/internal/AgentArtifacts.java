package io.hearth.bench.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Builds the two agents' code directories, each self-contained so that every isolation driver can run it:
 * <ul>
 *   <li>the Java bench agent (Jetty): {@code classes/}, {@code lib/*.jar} and a {@code hearth.json} manifest;</li>
 *   <li>the Python idle agent: one stdlib-only file, run by the PYTHON_3_12 runtime like any Python agent.</li>
 * </ul>
 */
public final class AgentArtifacts {
    public static final String JAVA_MAIN = "io.hearth.bench.agent.BenchAgent";
    public static final String PYTHON_ENTRY = "idle_agent.py";
    private static final String PYTHON = "/usr/bin/python3";
    /** Jetty (with its WebSocket server) and its logging facade: all the Java agent needs. Found through the bench's own class path. */
    private static final List<String> AGENT_LIBRARY_CLASSES = List.of(
            "org.eclipse.jetty.server.Server",
            "org.eclipse.jetty.http.HttpField",
            "org.eclipse.jetty.io.Content",
            "org.eclipse.jetty.util.Callback",
            "org.slf4j.LoggerFactory",
            // WebSocket /ws, for the WebSocket measurement.
            "org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler",
            "org.eclipse.jetty.websocket.api.Session",
            "org.eclipse.jetty.websocket.common.JettyWebSocketFrameHandler",
            "org.eclipse.jetty.websocket.core.server.WebSocketMappings",
            "org.eclipse.jetty.websocket.core.CoreSession");

    private final Path repoRoot;
    private final Path workDir;

    public AgentArtifacts(Path repoRoot, Path workDir) {
        this.repoRoot = repoRoot;
        this.workDir = workDir;
    }

    /** The Java agent's code directory under the work dir, built on first use. */
    public synchronized Path javaAgent() {
        Path code = workDir.resolve("java-agent");
        if (Files.isRegularFile(code.resolve("hearth.json"))) {
            return code;
        }
        try {
            copyTree(agentClasses(), code.resolve("classes"));
            Path lib = Files.createDirectories(code.resolve("lib"));
            for (Path jar : libraryJars()) {
                Files.copy(jar, lib.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
            String argv = javaCommand().stream().map(a -> "\"" + a + "\"").collect(Collectors.joining(", "));
            Files.writeString(code.resolve("hearth.json"), "{\"command\": [" + argv + "]}\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build the Java agent in " + code + ": " + e.getMessage(), e);
        }
        return code;
    }

    /** The Python idle agent's code directory under the work dir, built on first use. */
    public synchronized Path pythonAgent() {
        Path code = workDir.resolve("idle-agent");
        if (Files.isRegularFile(code.resolve(PYTHON_ENTRY))) {
            return code;
        }
        Path source = repoRoot.resolve("hearth-bench/src/main/agent/python").resolve(PYTHON_ENTRY);
        if (!Files.isRegularFile(source)) {
            throw new IllegalStateException("python agent: " + source + " not found (expected: the repository's hearth-bench sources)");
        }
        try {
            Files.createDirectories(code);
            Files.copy(source, code.resolve(PYTHON_ENTRY), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build the Python agent in " + code + ": " + e.getMessage(), e);
        }
        return code;
    }

    /** The Java agent as the bench starts it bare: the manifest's command in the code directory. */
    public AgentProgram javaProgram() {
        return new AgentProgram(javaCommand(), javaAgent(), Map.of());
    }

    /** The Python agent as Hearth's PYTHON runtime starts it: interpreter, entry point and the runtime's variables. */
    public AgentProgram pythonProgram() {
        return new AgentProgram(List.of(PYTHON, PYTHON_ENTRY), pythonAgent(),
                Map.of("PYTHONUNBUFFERED", "1", "PYTHONDONTWRITEBYTECODE", "1"));
    }

    public static boolean pythonAvailable() {
        return Files.isExecutable(Path.of(PYTHON));
    }

    private static List<String> javaCommand() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // Serial GC and no perf data: an agent process should cost what a small service costs, not a default JVM.
        return List.of(java, "-XX:+UseSerialGC", "-Xms32m", "-Xmx512m", "-XX:-UsePerfData", "-Xss512k",
                "-cp", "classes:lib/*", JAVA_MAIN);
    }

    private Path agentClasses() {
        String override = System.getProperty("hearth.bench.agentClasses");
        Path classes = override != null ? Path.of(override) : repoRoot.resolve("hearth-bench/target/agent-classes");
        if (!Files.isRegularFile(classes.resolve(JAVA_MAIN.replace('.', '/') + ".class"))) {
            throw new IllegalStateException("bench agent classes: " + classes + " has no " + JAVA_MAIN
                    + " (expected: built by ./mvnw -pl hearth-bench -am package, or ./hearth bench)");
        }
        return classes;
    }

    private static Set<Path> libraryJars() {
        var jars = new LinkedHashSet<Path>();
        for (String name : AGENT_LIBRARY_CLASSES) {
            try {
                Class<?> type = Class.forName(name, false, AgentArtifacts.class.getClassLoader());
                Path location = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
                if (!Files.isRegularFile(location)) {
                    throw new IllegalStateException("class " + name + " comes from " + location + " (expected: a jar)");
                }
                jars.add(location);
            } catch (ClassNotFoundException | URISyntaxException e) {
                throw new IllegalStateException("class " + name + ": not on the bench's class path (expected: Jetty 12 and SLF4J)", e);
            }
        }
        return jars;
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            var all = new ArrayList<>(paths.toList());
            for (Path source : all) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
