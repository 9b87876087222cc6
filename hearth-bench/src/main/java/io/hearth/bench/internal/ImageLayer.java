package io.hearth.bench.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * One image layer being written: a tar of the entries added, in order, owned by root; {@link #gzip()} ends it and
 * gives the bytes a registry stores ({@code application/vnd.oci.image.layer.v1.tar+gzip}).
 */
final class ImageLayer {
    static final String MEDIA_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip";

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TarArchiveOutputStream tar;
    private final Set<String> directories = new LinkedHashSet<>();

    ImageLayer() {
        try {
            tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    }

    /** A directory, and its parents before it; each once. */
    ImageLayer dir(String name) {
        Path parent = Path.of(name).getParent();
        if (parent != null) {
            dir(parent.toString());
        }
        if (directories.add(name)) {
            add(entry(name + "/", TarConstants.LF_DIR, 0755), null);
        }
        return this;
    }

    ImageLayer file(String name, String content) {
        return file(name, content.getBytes(UTF_8), 0644, 0);
    }

    /**
     * The host's file {@code source} (symlinks followed) at {@code name}, keeping whether it is executable and its
     * modification time: Python trusts a cached {@code .pyc} only while its source's time matches the one it recorded.
     */
    ImageLayer copy(Path source, String name) {
        try {
            return file(name, Files.readAllBytes(source), Files.isExecutable(source) ? 0755 : 0644,
                    Files.getLastModifiedTime(source).toMillis());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + source + " for the bench image: " + e.getMessage(), e);
        }
    }

    private ImageLayer file(String name, byte[] content, int mode, long modifiedMillis) {
        Path parent = Path.of(name).getParent();
        if (parent != null) {
            dir(parent.toString());
        }
        TarArchiveEntry entry = entry(name, TarConstants.LF_NORMAL, mode);
        entry.setSize(content.length);
        entry.setModTime(modifiedMillis);
        return add(entry, content);
    }

    ImageLayer symlink(String name, String target) {
        TarArchiveEntry entry = entry(name, TarConstants.LF_SYMLINK, 0777);
        entry.setLinkName(target);
        return add(entry, null);
    }

    /** Ends the layer: its gzip-compressed tar. */
    byte[] gzip() {
        try {
            tar.finish();
            tar.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private ImageLayer add(TarArchiveEntry entry, byte[] content) {
        try {
            tar.putArchiveEntry(entry);
            if (content != null) {
                tar.write(content);
            }
            tar.closeArchiveEntry();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static TarArchiveEntry entry(String name, byte type, int mode) {
        TarArchiveEntry entry = new TarArchiveEntry(name, type);
        entry.setMode(mode);
        entry.setIds(0, 0);
        entry.setModTime(0);
        return entry;
    }
}
