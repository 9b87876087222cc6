package io.hearth.control.internal;

import io.hearth.control.ExtractionLimits;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * Writes one artifact (a zip, or a directory tree) into a version's empty code directory, checking every limit while
 * it writes: entry count, each file's bytes and the total as they are copied (never the sizes an archive declares),
 * names that would leave the tree ({@code ..}, absolute), and links. A link whose target stays inside the tree is
 * kept (node_modules/.bin needs them); one that would leave it refuses the whole artifact, as does an entry that
 * would be written through a link. Executable bits of zip entries with unix modes are kept. The caller removes a
 * partial result.
 */
final class Unpacker {
    private static final int MAX_LINK_TARGET = 4096;
    private static final Set<PosixFilePermission> EXECUTABLE = PosixFilePermissions.fromString("rwxr-xr-x");
    private static final Set<PosixFilePermission> PLAIN = PosixFilePermissions.fromString("rw-r--r--");

    private final Path root;
    private final ExtractionLimits limits;
    private final String location;
    private final byte[] buffer = new byte[64 * 1024];
    private long total;
    private int entries;

    /** @param root an existing, empty directory */
    Unpacker(Path root, ExtractionLimits limits, String location) throws IOException {
        this.root = root.toRealPath();
        this.limits = limits;
        this.location = location;
    }

    void unzip(Path zip) throws IOException {
        if (ZipEntryCount.of(zip) > limits.maxEntries()) {
            throw tooManyEntries();
        }
        ZipFile archive;
        try {
            archive = ZipFile.builder().setPath(zip).get();
        } catch (IOException e) {
            throw new ArtifactException("artifact " + location + " is not a zip archive (" + e.getMessage()
                    + "; expected: a .zip, or a directory)", e);
        }
        try (archive) {
            Enumeration<ZipArchiveEntry> all = archive.getEntriesInPhysicalOrder();
            boolean any = false;
            while (all.hasMoreElements()) {
                ZipArchiveEntry entry = all.nextElement();
                any = true;
                count();
                Path target = target(entry.getName());
                if (entry.isUnixSymlink()) {
                    try (InputStream in = archive.getInputStream(entry)) {
                        link(entry.getName(), target, new String(in.readNBytes(MAX_LINK_TARGET + 1), StandardCharsets.UTF_8));
                    }
                } else if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    if (!archive.canReadEntryData(entry)) {
                        throw new ArtifactException("artifact " + location + ": entry " + entry.getName()
                                + " is encrypted or compressed with an unsupported method (expected: stored or deflated)");
                    }
                    Files.createDirectories(target.getParent());
                    try (InputStream in = archive.getInputStream(entry)) {
                        write(entry.getName(), in, target);
                    }
                    Files.setPosixFilePermissions(target, (entry.getUnixMode() & 0111) != 0 ? EXECUTABLE : PLAIN);
                }
            }
            if (!any) {
                throw new ArtifactException("artifact " + location + " is an empty zip archive (expected: the agent's "
                        + "code at the archive's root)");
            }
        }
        checkLinks();
    }

    void copyTree(Path from) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!dir.equals(from)) {
                    count();
                    Files.createDirectories(target(from.relativize(dir).toString()));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                count();
                String name = from.relativize(file).toString();
                Path target = target(name);
                if (attrs.isSymbolicLink()) {
                    link(name, target, Files.readSymbolicLink(file).toString());
                } else if (attrs.isRegularFile()) {
                    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                        write(name, in, target);
                    }
                    Files.setPosixFilePermissions(target, Files.isExecutable(file) ? EXECUTABLE : PLAIN);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        checkLinks();
    }

    private void count() {
        if (++entries > limits.maxEntries()) {
            throw tooManyEntries();
        }
    }

    private ArtifactException tooManyEntries() {
        return new ArtifactException("artifact " + location + " has more than " + limits.maxEntries()
                + " entries (expected: at most that many files, directories and links)");
    }

    /** Where an entry goes: refused when its name leaves the tree or a link is on its way. */
    private Path target(String name) {
        if (name.isEmpty() || name.startsWith("/") || name.indexOf('\0') >= 0 || name.indexOf('\\') >= 0
                || List.of(name.split("/")).contains("..")) {
            throw new ArtifactException("artifact " + location + ": entry " + name + " has an absolute name or a '..' "
                    + "segment (expected: paths relative to the artifact's root)");
        }
        Path target = root.resolve(name).normalize();
        if (!target.startsWith(root) || target.equals(root)) {
            throw new ArtifactException("artifact " + location + ": entry " + name + " escapes the artifact's root");
        }
        for (Path at = target.getParent(); !at.equals(root); at = at.getParent()) {
            if (Files.isSymbolicLink(at)) {
                throw new ArtifactException("artifact " + location + ": entry " + name + " would be written through the "
                        + "link " + root.relativize(at) + " (expected: no entries under a link)");
            }
        }
        return target;
    }

    private void link(String name, Path at, String target) throws IOException {
        Path resolved = at.getParent().resolve(target).normalize();
        if (target.isEmpty() || target.length() > MAX_LINK_TARGET || target.startsWith("/") || target.indexOf('\0') >= 0
                || !resolved.startsWith(root)) {
            throw new ArtifactException("artifact " + location + ": entry " + name + " is a link to " + abbreviated(target)
                    + ", outside the artifact (expected: links that stay inside the artifact)");
        }
        Files.createDirectories(at.getParent());
        Files.deleteIfExists(at);
        Files.createSymbolicLink(at, Path.of(target));
    }

    private void write(String name, InputStream in, Path target) throws IOException {
        long written = 0;
        try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                written += n;
                total += n;
                if (written > limits.maxFileBytes()) {
                    throw new ArtifactException("artifact " + location + ": entry " + name + " unpacks to more than "
                            + limits.maxFileBytes() + " bytes (expected: at most that per file)");
                }
                if (total > limits.maxTotalBytes()) {
                    throw new ArtifactException("artifact " + location + " unpacks to more than " + limits.maxTotalBytes()
                            + " bytes (expected: at most that in all)");
                }
                out.write(buffer, 0, n);
            }
        }
    }

    /** Links that each stayed inside can still leave together (a link through a link): the real paths decide. */
    private void checkLinks() throws IOException {
        var links = new ArrayList<Path>();
        try (Stream<Path> paths = Files.walk(root)) {
            paths.filter(Files::isSymbolicLink).forEach(links::add);
        }
        for (Path link : links) {
            Path real;
            try {
                real = link.toRealPath();
            } catch (IOException e) {
                continue; // a dangling link leads nowhere
            }
            if (!real.startsWith(root)) {
                throw new ArtifactException("artifact " + location + ": entry " + root.relativize(link) + " is a link to "
                        + real + ", outside the artifact (expected: links that stay inside the artifact)");
            }
        }
    }

    private static String abbreviated(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
