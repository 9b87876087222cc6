package io.hearth.sandbox.internal;

import static java.util.Objects.requireNonNull;

import io.hearth.sandbox.ResourceLimits;
import io.hearth.sandbox.SandboxException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Where this host keeps cgroups, and where a driver's sandboxes go: {@code <hierarchy>/hearth/<driver>/<sandbox id>}.
 *
 * <p>Under cgroup v1 (and the v1 half of a hybrid host) each controller has its own hierarchy, and each sandbox
 * directory sits under the server's own cgroup in that hierarchy, so a server confined to a memory cgroup keeps its
 * sandboxes inside that budget. Under pure cgroup v2 the sandboxes sit under {@code /hearth} at the root: the server's
 * own cgroup holds processes, and v2 forbids controllers on a cgroup that has both processes and children.
 */
final class CgroupLayout {
    static final String ROOT = "hearth";
    private static final Set<String> REQUIRED_V1 = Set.of("memory", "cpu", "pids");
    private static final Set<String> REQUIRED_V2 = Set.of("memory", "cpu", "pids");
    private static final Set<String> MOUNT_FLAGS = Set.of("rw", "ro", "clone_children", "noprefix", "xattr", "cpuset_v2_mode",
            "favordynmods");
    private static final Pattern CONTROLLER_NAME = Pattern.compile("[a-z_]+");

    /** One mounted v1 hierarchy: its mount point, its controllers, and the server's own cgroup in it. */
    record Hierarchy(Path mount, Set<String> controllers, String ownPath) {
        Path base(String driver) {
            return mount.resolve(ownPath.substring(1)).resolve(ROOT).resolve(driver);
        }
    }

    private final Path unified; // non-null for pure v2
    private final List<Hierarchy> hierarchies; // v1 only

    private CgroupLayout(Path unified, List<Hierarchy> hierarchies) {
        this.unified = unified;
        this.hierarchies = List.copyOf(hierarchies);
    }

    boolean isV2() {
        return unified != null;
    }

    static CgroupLayout detect() {
        return probe().orElseThrow(() -> new SandboxException(
                "no usable cgroups: expected cgroup v2 with the memory, cpu and pids controllers enabled at the root,"
                        + " or cgroup v1 hierarchies for memory, cpu and pids (see /proc/self/mountinfo)"));
    }

    /** The layout, or empty with nothing written when the host lacks the controllers the drivers need. */
    static Optional<CgroupLayout> probe() {
        List<String> mountinfo;
        Map<String, String> ownPaths;
        try {
            mountinfo = Files.readAllLines(Path.of("/proc/self/mountinfo"));
            ownPaths = ownPaths(Files.readAllLines(Path.of("/proc/self/cgroup")));
        } catch (IOException e) {
            return Optional.empty();
        }
        var v1 = new ArrayList<Hierarchy>();
        Path v2 = null;
        for (String line : mountinfo) {
            int dash = line.indexOf(" - ");
            if (dash < 0) {
                continue;
            }
            String[] before = line.substring(0, dash).split(" ");
            String[] after = line.substring(dash + 3).split(" ");
            if (before.length < 5 || after.length < 3) {
                continue;
            }
            Path mount = Path.of(before[4]);
            if (after[0].equals("cgroup2")) {
                v2 = mount;
            } else if (after[0].equals("cgroup")) {
                var controllers = new TreeSet<String>();
                for (String option : after[2].split(",")) {
                    if (option.startsWith("name=") || CONTROLLER_NAME.matcher(option).matches()
                            && !MOUNT_FLAGS.contains(option)) {
                        controllers.add(option);
                    }
                }
                String own = ownPaths.get(key(controllers));
                if (own != null) {
                    v1.add(new Hierarchy(mount, Set.copyOf(controllers), own));
                }
            }
        }
        if (v2 != null && enabledControllers(v2).containsAll(REQUIRED_V2)) {
            return Optional.of(new CgroupLayout(v2, List.of()));
        }
        var present = new LinkedHashSet<String>();
        v1.forEach(h -> present.addAll(h.controllers()));
        if (present.containsAll(REQUIRED_V1)) {
            return Optional.of(new CgroupLayout(null, v1));
        }
        return Optional.empty();
    }

    private static Map<String, String> ownPaths(List<String> lines) {
        var paths = new HashMap<String, String>();
        for (String line : lines) {
            String[] parts = line.split(":", 3);
            if (parts.length == 3 && !parts[1].isEmpty()) {
                paths.put(key(new TreeSet<>(List.of(parts[1].split(",")))), parts[2]);
            }
        }
        return paths;
    }

    private static String key(SortedSet<String> controllers) {
        return String.join(",", controllers);
    }

    private static Set<String> enabledControllers(Path unified) {
        try {
            return Set.of(Files.readString(unified.resolve("cgroup.controllers")).trim().split("\\s+"));
        } catch (IOException e) {
            return Set.of();
        }
    }

    String describe() {
        if (isV2()) {
            return "cgroup v2 at " + unified;
        }
        return "cgroup v1 (" + hierarchies.stream().map(h -> String.join(",", h.controllers())).toList() + ")";
    }

    /** The path runsc should put the sandbox in: relative under v1 (it nests it under its own cgroup, ours), absolute under v2. */
    String ociCgroupsPath(String driver, String id) {
        return isV2() ? "/" + ROOT + "/" + driver + "/" + id : ROOT + "/" + driver + "/" + id;
    }

    /** Makes the sandbox's cgroups and writes its limits; on failure nothing of it remains. */
    SandboxCgroup create(String driver, String id, ResourceLimits limits, long pidsMax) {
        requireNonNull(limits, "limits");
        SandboxCgroup cgroup = of(driver, id);
        try {
            cgroup.create(limits, pidsMax);
        } catch (RuntimeException e) {
            cgroup.remove();
            throw e;
        }
        return cgroup;
    }

    /** The sandbox's cgroups as they would be named, whether or not they exist (for reclaim). */
    SandboxCgroup of(String driver, String id) {
        SandboxIdCheck.require(id);
        if (isV2()) {
            Path base = unified.resolve(ROOT).resolve(driver);
            return new CgroupV2(unified, base, base.resolve(id));
        }
        var dirs = new HashMap<String, Path>();
        var all = new ArrayList<Path>();
        for (Hierarchy h : hierarchies) {
            Path dir = h.base(driver).resolve(id);
            all.add(dir);
            for (String controller : h.controllers()) {
                dirs.put(controller, dir);
            }
        }
        return new CgroupV1(dirs, all);
    }

    /**
     * Ids of the sandbox cgroups that exist for a driver, in any hierarchy: after a crash in the middle of a teardown
     * they may outlive the state directory that named them, so reclaim looks here too.
     */
    Set<String> existingSandboxes(String driver) {
        var bases = new ArrayList<Path>();
        if (isV2()) {
            bases.add(unified.resolve(ROOT).resolve(driver));
        } else {
            hierarchies.forEach(h -> bases.add(h.base(driver)));
        }
        var ids = new TreeSet<String>();
        for (Path base : bases) {
            try (var children = Files.list(base)) {
                children.map(c -> c.getFileName().toString()).filter(n -> n.startsWith("sb-")).forEach(ids::add);
            } catch (java.io.IOException e) {
                // no such hierarchy base yet: nothing there
            }
        }
        return ids;
    }
}
