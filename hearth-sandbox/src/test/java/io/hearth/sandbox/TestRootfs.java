package io.hearth.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A minimal image root filesystem built from the host's Python: the interpreter, its standard library and the shared
 * libraries they load, nothing else of the host. Its {@code /etc/passwd} names a user {@code agent} (1234:2345), its
 * working directory {@code /srv/agent} (root's, 0755) holds the probe, a file of another uid and a root-only secret.
 */
final class TestRootfs {
    static final int UID = 1234;
    static final int GID = 2345;
    static final String WORKDIR = "/srv/agent";
    static final String HOME = "/home/agent";
    private static final Pattern LIBRARY = Pattern.compile("(/\\S+\\.so[.0-9]*)");

    private TestRootfs() {}

    static Path build(Path root) throws IOException {
        Files.createDirectories(root.resolve("usr/bin"));
        Files.createDirectories(root.resolve("usr/lib"));
        Files.createDirectories(root.resolve("usr/lib64"));
        for (String link : List.of("bin", "lib", "lib64")) {
            Files.createSymbolicLink(root.resolve(link), Path.of("usr", link));
        }
        Path python = Path.of("/usr/bin/python3").toRealPath();
        copy(python, root.resolve("usr/bin/python3"));
        Path stdlib = Path.of("/usr/lib").resolve(python.getFileName().toString());
        run("cp", "-a", stdlib.toString(), root.resolve("usr/lib").toString());
        var libraries = new LinkedHashSet<String>(libraries(python));
        try (Stream<Path> modules = Files.list(stdlib.resolve("lib-dynload"))) {
            for (Path module : modules.toList()) {
                libraries.addAll(libraries(module));
            }
        }
        // Loaded by name at run time (thread exit), so ldd does not list it.
        Path gcc = Path.of("/lib/x86_64-linux-gnu/libgcc_s.so.1");
        if (Files.exists(gcc)) {
            libraries.add(gcc.toString());
        }
        for (String library : libraries) {
            Path target = root.resolve(library.substring(1));
            Files.createDirectories(target.getParent());
            if (!Files.exists(target)) {
                copy(Path.of(library).toRealPath(), target);
            }
        }
        Path etc = Files.createDirectories(root.resolve("etc"));
        Files.writeString(etc.resolve("passwd"), "root:x:0:0:root:/root:/bin/sh\nagent:x:" + UID + ":" + GID
                + ":agent:" + HOME + ":/bin/sh\n");
        Files.writeString(etc.resolve("group"), "root:x:0:\nagent:x:" + GID + ":\n");
        Files.writeString(etc.resolve("hostname"), "image-hostname\n");
        Path secret = etc.resolve("secret");
        Files.writeString(secret, "root only");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Path home = Files.createDirectories(root.resolve(HOME.substring(1)));
        Files.setAttribute(home, "unix:uid", UID);
        Files.setAttribute(home, "unix:gid", GID);
        Path workdir = Files.createDirectories(root.resolve(WORKDIR.substring(1)));
        try (InputStream in = TestRootfs.class.getResourceAsStream("/probe/probe.py")) {
            Files.copy(in, workdir.resolve("probe.py"), StandardCopyOption.REPLACE_EXISTING);
        }
        Path other = workdir.resolve("other.txt");
        Files.writeString(other, "another uid's");
        Files.setAttribute(other, "unix:uid", 4321);
        Files.setAttribute(other, "unix:gid", 4321);
        run("chmod", "-R", "go+rX,go-w", root.resolve("usr").toString(), workdir.toString());
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        return root;
    }

    /** Every file under {@code root} with its size and modification time, to tell that nothing wrote it. */
    static List<String> listing(Path root) throws IOException {
        var lines = new ArrayList<String>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.sorted().toList()) {
                var attributes = Files.readAttributes(file, java.nio.file.attribute.PosixFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                lines.add(root.relativize(file) + " " + attributes.size() + " " + attributes.lastModifiedTime() + " "
                        + attributes.owner() + " " + PosixFilePermissions.toString(attributes.permissions()));
            }
        }
        return lines;
    }

    private static Set<String> libraries(Path binary) {
        var found = new LinkedHashSet<String>();
        var matcher = LIBRARY.matcher(run("ldd", binary.toString()));
        while (matcher.find()) {
            found.add(matcher.group(1));
        }
        return found;
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
    }

    private static String run(String... argv) {
        try {
            Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", argv) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
