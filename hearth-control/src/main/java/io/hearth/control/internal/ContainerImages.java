package io.hearth.control.internal;

import io.hearth.image.ImageException;
import io.hearth.image.ImageUser;
import io.hearth.image.ImageLimits;
import io.hearth.image.ImageStore;
import io.hearth.image.PullProgress;
import io.hearth.image.PulledImage;
import io.hearth.image.RegistrySettings;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pulls the images of {@code containerConfiguration} versions into the shared image store and removes the ones no
 * version refers to any more.
 */
final class ContainerImages implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ContainerImages.class);

    private final ImageStore store;
    /** Pulled but not yet recorded in a version: a collection running meanwhile keeps them. */
    private final Set<String> recording = ConcurrentHashMap.newKeySet();

    ContainerImages(Path root, RegistrySettings registries) {
        this.store = new ImageStore(root, registries, ImageLimits.defaults());
    }

    /**
     * Pulls the image and plans to run its ENTRYPOINT and CMD; call {@link #recorded} once the plan is stored.
     *
     * @throws ArtifactException naming the image and what went wrong
     */
    LaunchPlan resolve(ContainerArtifact artifact, PullProgress progress) {
        PulledImage image;
        try {
            image = store.pull(artifact.reference(), progress);
        } catch (ImageException e) {
            throw new ArtifactException("cannot pull image " + artifact.containerUri() + ": " + e.getMessage(), e);
        }
        recording.add(image.manifestDigest());
        List<String> command = image.config().command();
        if (command.isEmpty() || command.getFirst().isEmpty()) {
            recorded(image.manifestDigest());
            throw new ArtifactException("image " + artifact.containerUri() + " has neither ENTRYPOINT nor CMD "
                    + "(expected: an image whose config says what to run)");
        }
        ImageUser user;
        try {
            user = ImageUser.of(image);
        } catch (ImageException e) {
            recorded(image.manifestDigest());
            throw new ArtifactException("image " + artifact.containerUri() + ": " + e.getMessage(), e);
        }
        return new LaunchPlan(image.rootfs(), command, Map.of(), Optional.of(new LaunchPlan.ImagePlan(image, user)));
    }

    void recorded(String manifestDigest) {
        recording.remove(manifestDigest);
    }

    /** Removes every image that neither a version in {@code inUse} nor a pull being recorded refers to. */
    void retainOnly(Set<String> inUse) {
        var keep = new HashSet<>(inUse);
        keep.addAll(recording);
        try {
            store.retain(keep);
        } catch (ImageException e) {
            LOG.warn("removing unused images failed; the next delete tries again", e);
        }
    }

    @Override
    public void close() {
        store.close();
    }
}
