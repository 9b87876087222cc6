package io.hearth.image.internal;

import static java.util.Objects.requireNonNull;

import io.airlift.compress.zstd.ZstdInputStream;
import io.hearth.api.FileTrees;
import io.hearth.image.ImageException;
import io.hearth.image.ImageException.Reason;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.security.DigestInputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies layers, lowest first, to a root filesystem as the OCI image spec's changeset rules say: entries replace
 * what lower layers had at their path, {@code .wh.<name>} deletes {@code <name>}, {@code .wh..wh..opq} hides every
 * lower-layer entry of its directory. Modes (setuid bits included), owners, times and {@code user.*} extended
 * attributes are kept; device nodes and FIFOs are skipped. The layer's compressed bytes are hashed while they are
 * read and must match its digest.
 */
public final class LayerUnpacker {
    private static final Logger LOG = LoggerFactory.getLogger(LayerUnpacker.class);
    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";
    private static final String XATTR = "SCHILY.xattr.";

    private final RootPaths paths;
    private final UnpackBudget budget;
    private boolean owners = true;

    public LayerUnpacker(Path rootfs, UnpackBudget budget) {
        this.paths = new RootPaths(requireNonNull(rootfs, "rootfs"));
        this.budget = requireNonNull(budget, "budget");
    }

    /**
     * Applies one stored layer; a digest mismatch or an unsafe entry fails it.
     *
     * @param corrupt runs when the stored bytes no longer match their digest, before the failure is thrown
     */
    public void apply(Path blob, String digest, Runnable corrupt) {
        var layer = new Layer(digest);
        try (InputStream file = Files.newInputStream(blob);
                var hashed = new DigestInputStream(file, Digests.sha256());
                // Buffered after the digest: sniffing the compression re-reads bytes the digest must see once.
                var buffered = new BufferedInputStream(hashed, 64 * 1024)) {
            try {
                InputStream tarBytes = decompress(buffered);
                var tar = new TarArchiveInputStream(tarBytes);
                for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                    layer.apply(entry, tar);
                }
                tarBytes.transferTo(OutputStream.nullOutputStream());
                buffered.transferTo(OutputStream.nullOutputStream());
            } catch (IOException e) {
                // Rotten bytes usually break the decompressor before the digest can say so: finish the digest.
                hashed.transferTo(OutputStream.nullOutputStream());
                checkDigest(hashed, digest, corrupt);
                boolean disk = e instanceof FileSystemException;
                throw new ImageException(disk ? Reason.STORAGE : Reason.INVALID, "layer " + digest + ": "
                        + (disk ? "writing failed (" + e + "; expected: room and permission in the image store)"
                                : "not a readable tar (" + e.getMessage()
                                        + "; expected: a tar, tar+gzip or tar+zstd layer)"), e);
            }
            checkDigest(hashed, digest, corrupt);
        } catch (IOException e) {
            throw new ImageException(Reason.STORAGE, "layer " + digest + ": cannot read " + blob + " (" + e + ")", e);
        }
        if (layer.skipped > 0) {
            LOG.warn("layer {}: skipped {} device nodes and FIFOs (sandboxes bring their own /dev)", digest,
                    layer.skipped);
        }
    }

    private static void checkDigest(DigestInputStream hashed, String digest, Runnable corrupt) {
        String actual = Digests.of(hashed.getMessageDigest());
        if (!actual.equals(digest)) {
            corrupt.run();
            throw new ImageException(Reason.INVALID, "layer " + digest + ": stored content has digest " + actual
                    + " (expected: " + digest + ")");
        }
    }

    /** By content rather than media type: registries and tools mislabel compression often enough. */
    private static InputStream decompress(InputStream in) throws IOException {
        in.mark(4);
        byte[] magic = in.readNBytes(4);
        in.reset();
        if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
            return new BufferedInputStream(new GZIPInputStream(in, 64 * 1024), 64 * 1024);
        }
        if (magic.length == 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5 && (magic[2] & 0xff) == 0x2f
                && (magic[3] & 0xff) == 0xfd) {
            return new BufferedInputStream(new ZstdInputStream(in), 64 * 1024);
        }
        return in;
    }

    /** One layer's pass: what it wrote, so an opaque marker hides only what lower layers left. */
    private final class Layer {
        final String digest;
        final Set<Path> written = new HashSet<>();
        int skipped;

        Layer(String digest) {
            this.digest = digest;
        }

        void apply(TarArchiveEntry entry, InputStream content) throws IOException {
            String name = entry.getName();
            budget.entry(digest, name);
            List<String> parts = RootPaths.components(digest, name);
            if (parts.isEmpty()) {
                return;
            }
            String base = parts.getLast();
            List<String> parent = parts.subList(0, parts.size() - 1);
            if (base.startsWith(WHITEOUT)) {
                whiteout(parent, base);
                return;
            }
            if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
                skipped++;
                return;
            }
            if (!entry.isDirectory() && !entry.isFile() && !entry.isSymbolicLink() && !entry.isLink()) {
                LOG.warn("layer {}: skipped {} (tar type {}: not a file, directory, link or device)", digest, name,
                        (char) entry.getLinkFlag());
                return;
            }
            Path directory = paths.directory(parent, true, written).orElseThrow();
            Path target = directory.resolve(base);
            BasicFileAttributes existing = RootPaths.lstat(target);
            if (entry.isDirectory()) {
                if (existing != null && !existing.isDirectory()) {
                    FileTrees.delete(target);
                }
                if (existing == null || !existing.isDirectory()) {
                    Files.createDirectory(target);
                }
            } else {
                if (existing != null) {
                    FileTrees.delete(target);
                }
                if (entry.isSymbolicLink()) {
                    Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
                } else if (entry.isLink()) {
                    Files.createLink(target, linkTarget(entry));
                } else {
                    budget.bytes(digest, name, entry.getSize());
                    try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW,
                            StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                        content.transferTo(out);
                    }
                }
            }
            written.add(target);
            if (!entry.isLink()) {
                metadata(entry, target);
            }
        }

        /** A hard link's target: an existing non-directory inside the root, whatever layer made it. */
        private Path linkTarget(TarArchiveEntry entry) throws IOException {
            List<String> parts = RootPaths.components(digest, entry.getLinkName());
            Path directory = parts.isEmpty() ? null
                    : paths.directory(parts.subList(0, parts.size() - 1), false, written).orElse(null);
            Path target = directory == null ? null : directory.resolve(parts.getLast());
            BasicFileAttributes attributes = target == null ? null : RootPaths.lstat(target);
            if (attributes == null || attributes.isDirectory()) {
                throw new ImageException(Reason.INVALID, "layer " + digest + ": hard link " + entry.getName()
                        + " -> " + entry.getLinkName() + " (expected: a link to an existing file of the image)");
            }
            return target;
        }

        private void whiteout(List<String> parent, String base) throws IOException {
            Path directory = paths.directory(parent, false, written).orElse(null);
            if (directory == null) {
                return;
            }
            if (base.equals(OPAQUE)) {
                hideLower(directory);
            } else if (!base.startsWith(WHITEOUT + WHITEOUT)) {
                String hidden = base.substring(WHITEOUT.length());
                if (!hidden.isEmpty() && !hidden.equals(".") && !hidden.equals("..")) {
                    Path target = directory.resolve(hidden);
                    if (RootPaths.lstat(target) != null && !written.contains(target)) {
                        FileTrees.delete(target);
                    }
                }
            }
        }

        /** Removes what lower layers put in {@code directory}, keeping what this layer wrote there. */
        private void hideLower(Path directory) throws IOException {
            try (DirectoryStream<Path> children = Files.newDirectoryStream(directory)) {
                for (Path child : children) {
                    if (!written.contains(child)) {
                        FileTrees.delete(child);
                    } else if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                        hideLower(child);
                    }
                }
            }
        }

        private void metadata(TarArchiveEntry entry, Path target) throws IOException {
            boolean link = entry.isSymbolicLink();
            if (owners) {
                try {
                    // Ownership first: chown clears setuid and setgid bits, the mode below puts them back.
                    Files.setAttribute(target, "unix:uid", (int) entry.getLongUserId(), LinkOption.NOFOLLOW_LINKS);
                    Files.setAttribute(target, "unix:gid", (int) entry.getLongGroupId(), LinkOption.NOFOLLOW_LINKS);
                } catch (FileSystemException | UnsupportedOperationException e) {
                    owners = false;
                    LOG.warn("layer {}: cannot set owners ({}): files keep this process's", digest, e.toString());
                }
            }
            if (!link) {
                Files.setAttribute(target, "unix:mode", entry.getMode() & 07777);
                xattrs(entry, target);
            }
            FileTime modified = FileTime.from(entry.getModTime().toInstant());
            try {
                Files.getFileAttributeView(target, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .setTimes(modified, null, null);
            } catch (IOException | UnsupportedOperationException e) {
                // A link's own time is cosmetic; some file systems cannot set it.
            }
        }

        private void xattrs(TarArchiveEntry entry, Path target) {
            for (Map.Entry<String, String> header : entry.getExtraPaxHeaders().entrySet()) {
                if (!header.getKey().startsWith(XATTR)) {
                    continue;
                }
                String attribute = header.getKey().substring(XATTR.length());
                if (!attribute.startsWith("user.")) {
                    LOG.debug("layer {}: {} keeps no {} (only user.* attributes are set)", digest, entry.getName(),
                            attribute);
                    continue;
                }
                try {
                    Files.getFileAttributeView(target, UserDefinedFileAttributeView.class)
                            .write(attribute.substring("user.".length()),
                                    ByteBuffer.wrap(header.getValue().getBytes(StandardCharsets.UTF_8)));
                } catch (IOException | UnsupportedOperationException e) {
                    LOG.debug("layer {}: {} keeps no {} ({})", digest, entry.getName(), attribute, e.toString());
                }
            }
        }
    }
}
