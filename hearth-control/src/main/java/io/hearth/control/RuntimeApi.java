package io.hearth.control;

import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * The six agent-runtime operations, with their inputs taken off the wire but not yet checked: each checks what it
 * is given and throws {@link io.hearth.api.ApiException} in the AWS shape the caller is to see.
 */
public interface RuntimeApi {
    ControlReply create(JsonNode body);

    ControlReply get(String runtimeId, Optional<String> version);

    ControlReply update(String runtimeId, JsonNode body);

    /** Deletes the runtime, or with {@code version} only that version. */
    ControlReply delete(String runtimeId, Optional<String> clientToken, Optional<String> version);

    ControlReply list(Optional<String> maxResults, Optional<String> nextToken);

    ControlReply listVersions(String runtimeId, Optional<String> maxResults, Optional<String> nextToken);
}
