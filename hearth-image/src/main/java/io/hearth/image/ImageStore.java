package io.hearth.image;

import static java.util.Objects.requireNonNull;

import io.hearth.api.FileTrees;
import io.hearth.api.Json;
import io.hearth.image.ImageException.Reason;
import io.hearth.image.internal.BlobStore;
import io.hearth.image.internal.ConfigReader;
import io.hearth.image.internal.Descriptor;
import io.hearth.image.internal.ImageManifest;
import io.hearth.image.internal.LayerUnpacker;
import io.hearth.image.internal.ManifestResolver;
import io.hearth.image.internal.RegistryClient;
import io.hearth.image.internal.StallWatchdog;
import io.hearth.image.internal.StoredImage;
import io.hearth.image.internal.UnpackBudget;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;

/**
 * Images on this node, under one directory (mode 0700: root filesystems keep their setuid bits, so no other host
 * user may reach them):
 * <pre>
 * blobs/sha256/&lt;hex&gt;            layers and configs, once each, checked against their digest
 * images/sha256-&lt;hex&gt;/          one per platform manifest: image.json and rootfs/, renamed into place together
 * tmp/                            downloads and unpacks under way; emptied when the store opens
 * </pre>
 * Pulls of one manifest running at once share one piece of work; {@link #retain} may run any time and waits for
 * pulls under way.
 */
public final class ImageStore implements AutoCloseable {
    private final Path root;
    private final Path images;
    private final Path tmp;
    private final RegistrySettings settings;
    private final ImageLimits limits;
    private final RegistryClient client;
    private final ManifestResolver resolver;
    private final BlobStore blobs;
    private final StallWatchdog watchdog;
    private final Map<String, CompletableFuture<StoredImage>> unpacking = new ConcurrentHashMap<>();
    /** Pulls share it; {@link #retain} takes it alone, so nothing it removes is being built on. */
    private final ReadWriteLock gc = new ReentrantReadWriteLock();

    public ImageStore(Path root, RegistrySettings settings, ImageLimits limits) {
        this(root, settings, limits, Platform.host());
    }

    /** @param platform the platform images are resolved for (the host's, except in tests of others) */
    public ImageStore(Path root, RegistrySettings settings, ImageLimits limits, Platform platform) {
        this.root = requireNonNull(root, "root").toAbsolutePath();
        this.settings = requireNonNull(settings, "settings");
        this.limits = requireNonNull(limits, "limits");
        requireNonNull(platform, "platform");
        this.images = this.root.resolve("images");
        this.tmp = this.root.resolve("tmp");
        Path blobDirectory = this.root.resolve("blobs").resolve("sha256");
        try {
            Files.createDirectories(this.root);
            Files.setPosixFilePermissions(this.root, PosixFilePermissions.fromString("rwx------"));
            Files.createDirectories(images);
            Files.createDirectories(blobDirectory);
            FileTrees.delete(tmp);
            Files.createDirectories(tmp);
        } catch (IOException e) {
            throw new ImageException(Reason.STORAGE, "image store " + this.root + ": cannot prepare (" + e
                    + "; expected: a writable directory)", e);
        }
        this.client = new RegistryClient(settings);
        this.resolver = new ManifestResolver(client, platform, limits.maxManifestBytes());
        this.watchdog = new StallWatchdog(settings.requestTimeout());
        this.blobs = new BlobStore(blobDirectory, tmp, client, watchdog);
    }

    public Path root() {
        return root;
    }

    /**
     * The image's root filesystem and config, pulled and unpacked unless this store has its manifest already.
     * The registry is always asked which manifest a tag names; nothing else is fetched twice.
     *
     * @throws ImageException on every failure; nothing half-made stays behind
     */
    public PulledImage pull(ImageReference reference, PullProgress progress) {
        requireNonNull(reference, "reference");
        requireNonNull(progress, "progress");
        ImageReference located = settings.locate(reference);
        gc.readLock().lock();
        try {
            progress.phase(reference, PullPhase.RESOLVING);
            ImageManifest manifest = resolver.resolve(located, reference);
            StoredImage stored = stored(manifest.digest());
            if (stored == null) {
                var mine = new CompletableFuture<StoredImage>();
                CompletableFuture<StoredImage> running = unpacking.putIfAbsent(manifest.digest(), mine);
                if (running != null) {
                    stored = join(running);
                } else {
                    try {
                        stored = build(reference, located, manifest, progress);
                        mine.complete(stored);
                    } catch (RuntimeException | Error e) {
                        mine.completeExceptionally(e);
                        throw e;
                    } finally {
                        unpacking.remove(manifest.digest(), mine);
                    }
                }
            }
            progress.phase(reference, PullPhase.DONE);
            return new PulledImage(reference, stored.manifestDigest(), rootfs(stored.manifestDigest()),
                    stored.config(), stored.bytes());
        } finally {
            gc.readLock().unlock();
        }
    }

    private StoredImage build(ImageReference reference, ImageReference located, ImageManifest manifest,
            PullProgress progress) {
        StoredImage stored = stored(manifest.digest());
        if (stored != null) {
            return stored;
        }
        Path config = blobs.fetch(located, manifest.config(), limits.maxManifestBytes(), done -> {});
        ImageConfig imageConfig;
        try {
            imageConfig = ConfigReader.read(reference, Files.readAllBytes(config));
        } catch (IOException e) {
            throw new ImageException(Reason.STORAGE, "blob " + manifest.config().digest() + ": unreadable (" + e
                    + ")", e);
        }
        // An index was resolved for this host already; a single manifest says its platform only in its config.
        if (!imageConfig.architecture().isEmpty()) {
            Platform platform = new Platform(imageConfig.os().isEmpty() ? "linux" : imageConfig.os(),
                    imageConfig.architecture(), "");
            if (!resolver.host().runs(platform)) {
                throw resolver.wrongPlatform(reference, List.of(platform));
            }
        }
        progress.phase(reference, PullPhase.DOWNLOADING);
        for (Descriptor layer : manifest.layers()) {
            progress.layer(layer.digest(), 0, layer.size());
            blobs.fetch(located, layer, limits.maxLayerBytes(),
                    done -> progress.layer(layer.digest(), done, layer.size()));
        }
        progress.phase(reference, PullPhase.UNPACKING);
        Path work = tmp.resolve("image-" + hex(manifest.digest()) + "-" + UUID.randomUUID());
        try {
            Path rootfs = work.resolve("rootfs");
            Files.createDirectories(rootfs);
            Files.setPosixFilePermissions(rootfs, PosixFilePermissions.fromString("rwxr-xr-x"));
            var unpacker = new LayerUnpacker(rootfs, new UnpackBudget(limits.maxImageBytes(), limits.maxEntries()));
            for (Descriptor layer : manifest.layers()) {
                unpacker.apply(blobs.path(layer.digest()), layer.digest(), () -> blobs.forget(layer.digest()));
            }
            stored = new StoredImage(manifest.digest(), manifest.config().digest(),
                    manifest.layers().stream().map(Descriptor::digest).toList(), manifest.layerBytes(), imageConfig);
            Files.write(work.resolve("image.json"), Json.write(stored));
            try {
                Files.move(work, imageDirectory(manifest.digest()), StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException e) {
                // Another store on this directory finished it first: the same manifest, the same tree.
            }
            return stored;
        } catch (IOException e) {
            throw new ImageException(Reason.STORAGE, "image " + reference + ": unpacking failed (" + e + ")", e);
        } finally {
            FileTrees.deleteQuietly(work);
        }
    }

    /**
     * Removes every image whose manifest digest is not in {@code manifestDigests}, then every blob no remaining
     * image refers to. Pulls under way finish first; pulls that start meanwhile wait.
     */
    public void retain(Set<String> manifestDigests) {
        requireNonNull(manifestDigests, "manifestDigests");
        gc.writeLock().lock();
        try (Stream<Path> entries = Files.list(images)) {
            Set<String> referenced = new HashSet<>();
            for (Path directory : entries.toList()) {
                String name = directory.getFileName().toString();
                String digest = name.replaceFirst("^sha256-", "sha256:");
                StoredImage stored = stored(digest);
                if (stored != null && manifestDigests.contains(digest)) {
                    referenced.add(stored.configDigest());
                    referenced.addAll(stored.layers());
                    continue;
                }
                // Out of images/ in one rename first, so a crash mid-delete leaves nothing a pull would trust.
                Path doomed = tmp.resolve("gc-" + name + "-" + UUID.randomUUID());
                Files.move(directory, doomed, StandardCopyOption.ATOMIC_MOVE);
                FileTrees.delete(doomed);
            }
            blobs.retainOnly(referenced);
        } catch (IOException e) {
            throw new ImageException(Reason.STORAGE, "image store " + root + ": cleaning failed (" + e + ")", e);
        } finally {
            gc.writeLock().unlock();
        }
    }

    /** The manifest digests this store holds root filesystems for. */
    public Set<String> manifests() {
        try (Stream<Path> entries = Files.list(images)) {
            return Set.copyOf(entries.map(p -> p.getFileName().toString().replaceFirst("^sha256-", "sha256:"))
                    .filter(d -> stored(d) != null).toList());
        } catch (IOException e) {
            throw new ImageException(Reason.STORAGE, "image store " + root + ": cannot list (" + e + ")", e);
        }
    }

    private StoredImage stored(String manifestDigest) {
        Path record = imageDirectory(manifestDigest).resolve("image.json");
        if (!Files.isRegularFile(record)) {
            return null;
        }
        try {
            return Json.mapper().readValue(Files.readAllBytes(record), StoredImage.class);
        } catch (IOException | RuntimeException e) {
            throw new ImageException(Reason.STORAGE, "image store: " + record + " is unreadable (" + e
                    + "; expected: the record written with the image)", e);
        }
    }

    private Path imageDirectory(String manifestDigest) {
        return images.resolve("sha256-" + hex(manifestDigest));
    }

    private Path rootfs(String manifestDigest) {
        return imageDirectory(manifestDigest).resolve("rootfs");
    }

    private static String hex(String digest) {
        return digest.substring("sha256:".length());
    }

    private static StoredImage join(CompletableFuture<StoredImage> running) {
        try {
            return running.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }

    @Override
    public void close() {
        watchdog.close();
        client.close();
    }
}
