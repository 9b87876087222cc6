package io.hearth.image.internal;

import io.hearth.api.Json;
import io.hearth.image.ImageConfig;
import io.hearth.image.ImageException;
import io.hearth.image.ImageException.Reason;
import io.hearth.image.ImageReference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** Reads an image config blob (OCI and Docker share its shape) into an {@link ImageConfig}. */
public final class ConfigReader {
    private ConfigReader() {}

    public static ImageConfig read(ImageReference named, byte[] blob) {
        JsonNode json;
        try {
            json = Json.mapper().readTree(blob);
        } catch (JacksonException e) {
            throw new ImageException(Reason.INVALID, "image " + named + ": config is not valid JSON ("
                    + e.getOriginalMessage() + ")", e);
        }
        JsonNode config = json.path("config");
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode pair : config.path("Env")) {
            String text = pair.asString("");
            int eq = text.indexOf('=');
            if (eq > 0) {
                env.put(text.substring(0, eq), text.substring(eq + 1));
            } else if (!text.isEmpty()) {
                env.put(text, "");
            }
        }
        Set<Integer> ports = new LinkedHashSet<>();
        for (var names = config.path("ExposedPorts").propertyNames().iterator(); names.hasNext(); ) {
            String port = names.next();
            String[] parts = port.split("/", 2);
            if (parts.length == 2 && !parts[1].equalsIgnoreCase("tcp")) {
                continue;
            }
            try {
                ports.add(Integer.parseInt(parts[0]));
            } catch (NumberFormatException e) {
                throw new ImageException(Reason.INVALID, "image " + named + ": exposed port " + port
                        + " (expected: <port>[/tcp|/udp])");
            }
        }
        String workingDir = config.path("WorkingDir").asString("");
        try {
            return new ImageConfig(strings(config.path("Entrypoint")), strings(config.path("Cmd")), env,
                    workingDir, config.path("User").asString(""), ports, json.path("os").asString(""),
                    json.path("architecture").asString(""));
        } catch (IllegalArgumentException e) {
            throw new ImageException(Reason.INVALID, "image " + named + ": config " + e.getMessage(), e);
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        for (JsonNode value : array) {
            values.add(value.asString(""));
        }
        return values;
    }
}
