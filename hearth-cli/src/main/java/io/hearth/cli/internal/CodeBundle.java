package io.hearth.cli.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Zips an agent's directory the way AgentCore's direct code deploy expects: files at the root of the zip. */
public final class CodeBundle {
    private static final List<String> SKIPPED = List.of(".git", "__pycache__", ".venv");

    private CodeBundle() {}

    public static Path zip(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("code directory: " + dir + " (expected: an existing directory)");
        }
        try {
            Path zip = Files.createTempFile("hearth-bundle-", ".zip");
            try (var out = new ZipOutputStream(Files.newOutputStream(zip)); var files = Files.walk(dir)) {
                for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                    Path relative = dir.relativize(file);
                    if (skipped(relative)) {
                        continue;
                    }
                    out.putNextEntry(new ZipEntry(relative.toString().replace('\\', '/')));
                    Files.copy(file, out);
                    out.closeEntry();
                }
            }
            return zip;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot zip " + dir, e);
        }
    }

    private static boolean skipped(Path relative) {
        for (Path part : relative) {
            if (SKIPPED.contains(part.toString())) {
                return true;
            }
        }
        return false;
    }
}
