package io.hearth.image;

import static java.util.Objects.requireNonNull;

import io.hearth.image.ImageException.Reason;
import io.hearth.image.internal.RootPaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who an image's process runs as, from its {@code USER} ({@code user[:group]}, names or numbers) read against the
 * image's own {@code /etc/passwd} and {@code /etc/group}, as a container engine reads it: a name must be there, a
 * number need not be; without a group, the user's primary group (0 for a number the passwd does not know).
 *
 * @param home the user's home in the image's passwd, or {@code /}
 */
public record ImageUser(int uid, int gid, String home) {
    /** What a container engine gives an image that sets no PATH. */
    public static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    /** Larger account files than this are not an image's: refused rather than read. */
    private static final long MAX_ACCOUNT_FILE_BYTES = 1 << 20;

    public ImageUser {
        requireNonNull(home, "home");
        if (uid < 0 || gid < 0) {
            throw new IllegalArgumentException("uid:gid: " + uid + ":" + gid + " (expected: 0 or more each)");
        }
    }

    /** The image's user, resolved in its root filesystem. */
    public static ImageUser of(PulledImage image) {
        return resolve(image.rootfs(), image.config().user());
    }

    /**
     * @param user {@code USER} as the image config writes it; empty is root
     * @throws ImageException ({@link Reason#INVALID}) naming the user or group the image does not define
     */
    public static ImageUser resolve(Path rootfs, String user) {
        requireNonNull(rootfs, "rootfs");
        requireNonNull(user, "user");
        String name = user.isEmpty() ? "0" : user;
        String group = null;
        int colon = name.indexOf(':');
        if (colon >= 0) {
            group = name.substring(colon + 1);
            name = name.substring(0, colon);
        }
        if (name.isEmpty() || (group != null && group.isEmpty())) {
            throw new ImageException(Reason.INVALID, "user: " + user + " (expected: user[:group], names or ids)");
        }
        List<String[]> passwd = accounts(rootfs, "passwd", 7);
        Optional<String[]> entry = find(passwd, name);
        int uid;
        if (entry.isPresent()) {
            uid = number(entry.get()[2], user);
        } else if (isNumber(name)) {
            uid = number(name, user);
        } else {
            throw new ImageException(Reason.INVALID, "user: " + user + " (expected: a user the image's /etc/passwd"
                    + " defines, or a numeric uid)");
        }
        int gid;
        if (group == null) {
            gid = entry.map(e -> number(e[3], user)).orElse(0);
        } else {
            Optional<String[]> groupEntry = find(accounts(rootfs, "group", 3), group);
            if (groupEntry.isPresent()) {
                gid = number(groupEntry.get()[2], user);
            } else if (isNumber(group)) {
                gid = number(group, user);
            } else {
                throw new ImageException(Reason.INVALID, "user: " + user + " (expected: a group the image's"
                        + " /etc/group defines, or a numeric gid)");
            }
        }
        String home = entry.map(e -> e[5]).filter(h -> h.startsWith("/")).orElse("/");
        return new ImageUser(uid, gid, home);
    }

    /**
     * The image's variables as its process gets them: {@code PATH} and {@code HOME} (this user's) added where the
     * image sets none, as a container engine adds them.
     */
    public Map<String, String> environment(ImageConfig config) {
        var env = new LinkedHashMap<String, String>();
        env.put("PATH", DEFAULT_PATH);
        env.put("HOME", home);
        env.putAll(config.env());
        return env;
    }

    /** Lines of an account file split on ':' into at least {@code fields}; none when the image has no such file. */
    private static List<String[]> accounts(Path rootfs, String file, int fields) {
        try {
            Optional<Path> etc = new RootPaths(rootfs).directory(List.of("etc"), false, Set.of());
            if (etc.isEmpty()) {
                return List.of();
            }
            Path path = etc.get().resolve(file);
            BasicFileAttributes attributes = RootPaths.lstat(path);
            // A link could lead out of the image; account files are plain files in every image worth running.
            if (attributes == null || !attributes.isRegularFile()) {
                return List.of();
            }
            if (attributes.size() > MAX_ACCOUNT_FILE_BYTES) {
                throw new ImageException(Reason.INVALID, "/etc/" + file + ": " + attributes.size()
                        + " bytes (expected: at most " + MAX_ACCOUNT_FILE_BYTES + ")");
            }
            return Files.readAllLines(path, StandardCharsets.UTF_8).stream()
                    .filter(line -> !line.isBlank() && !line.startsWith("#"))
                    .map(line -> line.split(":", -1))
                    .filter(parts -> parts.length >= fields)
                    .toList();
        } catch (IOException e) {
            throw new ImageException(Reason.STORAGE, "cannot read /etc/" + file + " of " + rootfs + ": " + e.getMessage());
        }
    }

    private static Optional<String[]> find(List<String[]> entries, String nameOrId) {
        Optional<String[]> byName = entries.stream().filter(e -> e[0].equals(nameOrId)).findFirst();
        if (byName.isPresent() || !isNumber(nameOrId)) {
            return byName;
        }
        return entries.stream().filter(e -> e[2].equals(nameOrId)).findFirst();
    }

    private static boolean isNumber(String value) {
        return !value.isEmpty() && value.length() <= 18 && value.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static int number(String value, String user) {
        long id = isNumber(value) ? Long.parseLong(value) : -1;
        if (id < 0 || id > Integer.MAX_VALUE) {
            throw new ImageException(Reason.INVALID, "user: " + user + " resolves to id " + value
                    + " (expected: 0 to " + Integer.MAX_VALUE + ")");
        }
        return (int) id;
    }
}
