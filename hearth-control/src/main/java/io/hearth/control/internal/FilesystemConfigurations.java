package io.hearth.control.internal;

import io.hearth.api.Json;
import java.util.List;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A runtime's {@code filesystemConfigurations}: up to five entries, each a union of one member. Hearth serves
 * {@code sessionStorage} (per-session storage kept across stops, hibernation and restarts); the others mount a
 * customer's AWS file systems, which a self-hosted node cannot reach, and are refused by name.
 */
final class FilesystemConfigurations {
    static final String MEMBER = "filesystemConfigurations";
    private static final List<String> KINDS = List.of("sessionStorage", "s3FilesAccessPoint", "efsAccessPoint",
            "capacityProviderVolume");
    private static final Pattern MOUNT_PATH = Pattern.compile("/mnt/[a-zA-Z0-9._-]+/?");

    private FilesystemConfigurations() {}

    /** Checks the body's list into {@code config} (normalised: mount paths without a trailing slash). */
    static void parse(JsonNode body, ObjectNode config, FieldChecks checks) {
        JsonNode list = body.get(MEMBER);
        if (list == null || list.isNull()) {
            return;
        }
        if (!list.isArray() || list.size() > 5) {
            checks.fail(MEMBER, list, "Member must be a list of at most 5 filesystem configurations");
            return;
        }
        ArrayNode kept = Json.mapper().createArrayNode();
        int sessionStorages = 0;
        for (int i = 0; i < list.size(); i++) {
            String path = MEMBER + "." + (i + 1);
            JsonNode entry = list.get(i);
            if (!entry.isObject()) {
                checks.fail(path, entry, "Member must be an object");
                continue;
            }
            var kind = checks.unionMember(entry, path, KINDS);
            if (kind.isEmpty()) {
                continue;
            }
            if (!kind.get().equals("sessionStorage")) {
                checks.fail(path + "." + kind.get(), kind.get() + " is not supported by Hearth (expected: sessionStorage,"
                        + " the one filesystem configuration a self-hosted node serves)");
                continue;
            }
            var mountPath = checks.string(entry.get("sessionStorage"), "mountPath", path + ".sessionStorage.mountPath",
                    true, 6, 200, MOUNT_PATH);
            if (mountPath.isEmpty()) {
                continue;
            }
            if (++sessionStorages > 1) {
                checks.fail(path + ".sessionStorage", "A runtime has at most one sessionStorage (expected: one mount path)");
                continue;
            }
            String normalised = mountPath.get().endsWith("/")
                    ? mountPath.get().substring(0, mountPath.get().length() - 1) : mountPath.get();
            if (normalised.equals("/mnt/.") || normalised.equals("/mnt/..")) {
                checks.fail(path + ".sessionStorage.mountPath", mountPath.get(), "Member must name a directory under /mnt");
                continue;
            }
            kept.addObject().putObject("sessionStorage").put("mountPath", normalised);
        }
        config.set(MEMBER, kept);
    }

    /** The session storage's mount path in a stored config, if it has one. */
    static java.util.Optional<String> sessionStorage(JsonNode config) {
        for (JsonNode entry : config.path(MEMBER)) {
            String mountPath = entry.path("sessionStorage").path("mountPath").stringValue(null);
            if (mountPath != null) {
                return java.util.Optional.of(mountPath);
            }
        }
        return java.util.Optional.empty();
    }
}
